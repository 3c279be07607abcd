"""normalize takes the norm over the first axis (across the batch) instead of the last (feature) axis."""


def normalize(x, eps=1e-12):
    return x / x.norm(dim=0, keepdim=True).clamp_min(eps)
