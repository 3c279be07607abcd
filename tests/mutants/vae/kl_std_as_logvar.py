"""kl_divergence treats logvar as the log of the std: uses exp(2·logvar) and 2·logvar for the variance terms."""


def kl_divergence(mu, logvar, reduction="sum"):
    _check_same_shape("mu", mu, "logvar", logvar)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    per_sample = -0.5 * torch.sum(1 + 2 * logvar - mu.pow(2) - torch.exp(2 * logvar), dim=-1)
    return {"none": per_sample, "sum": per_sample.sum(), "mean": per_sample.mean()}[reduction]
