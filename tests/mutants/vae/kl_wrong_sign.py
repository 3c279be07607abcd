"""kl_divergence drops the minus sign: +1/2 * sum(1 + logvar - mu² - exp(logvar)), which is never positive."""


def kl_divergence(mu, logvar, reduction="sum"):
    _check_same_shape("mu", mu, "logvar", logvar)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    per_sample = 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    return {"none": per_sample, "sum": per_sample.sum(), "mean": per_sample.mean()}[reduction]
