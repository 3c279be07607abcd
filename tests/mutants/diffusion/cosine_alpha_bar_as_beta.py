"""cosine_beta_schedule returns 1 - ᾱ(t/T) (one minus the cumulative product) instead of the ratio 1 - ᾱ_t / ᾱ_{t-1}."""


def cosine_beta_schedule(T, s=0.008, max_beta=0.999):
    _check_int("T", T, 1)
    if not s >= 0:
        raise ValueError(f"s must be >= 0, got {s!r}")
    if not 0 < max_beta <= 1:
        raise ValueError(f"max_beta must lie in (0, 1], got {max_beta!r}")
    u = torch.arange(1, T + 1, dtype=torch.float64) / T
    f = torch.cos((u + s) / (1 + s) * math.pi / 2) ** 2 / math.cos(s / (1 + s) * math.pi / 2) ** 2
    return (1 - f).clamp(max=max_beta).to(torch.float32)
