"""linear_beta_schedule steps by (beta_end - beta_start)/T from beta_start, so the last beta falls short of beta_end."""


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    _check_int("T", T, 1)
    for name, beta in (("beta_start", beta_start), ("beta_end", beta_end)):
        if not 0 < beta < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {beta!r}")
    return beta_start + (beta_end - beta_start) * torch.arange(T, dtype=torch.float32) / T
