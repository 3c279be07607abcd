"""cosine_beta_schedule forgets the max_beta clip, so the last beta is 1 (ᾱ_{T-1} = 0)."""


def cosine_beta_schedule(T, s=0.008, max_beta=0.999):
    _check_int("T", T, 1)
    if not s >= 0:
        raise ValueError(f"s must be >= 0, got {s!r}")
    if not 0 < max_beta <= 1:
        raise ValueError(f"max_beta must lie in (0, 1], got {max_beta!r}")
    u = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).to(torch.float32)
