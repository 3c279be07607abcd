"""normalize divides by the norm without clamping it, so a zero vector becomes NaN."""


def normalize(x, eps=1e-12):
    return x / x.norm(dim=-1, keepdim=True)
