"""cosine_beta_schedule hard-codes the offset 0.008 (copied from the paper) and ignores its `s` argument."""


def cosine_beta_schedule(T, s=0.008, max_beta=0.999):
    _check_int("T", T, 1)
    if not s >= 0:
        raise ValueError(f"s must be >= 0, got {s!r}")
    if not 0 < max_beta <= 1:
        raise ValueError(f"max_beta must lie in (0, 1], got {max_beta!r}")
    u = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).clamp(max=max_beta).to(torch.float32)
