"""Schedules and ᾱ computed in float64, then rounded once to the betas' dtype (instead of float32 throughout)."""


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    _check_int("T", T, 1)
    for name, beta in (("beta_start", beta_start), ("beta_end", beta_end)):
        if not 0 < beta < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {beta!r}")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64).to(torch.float32)


def alphas_cumprod(betas):
    _check_schedule("betas", betas)
    return torch.cumprod(1 - betas.double(), dim=0).to(betas.dtype)
