"""kl_divergence averages over the latent dimensions instead of summing them."""


def kl_divergence(mu, logvar, reduction="sum"):
    _check_same_shape("mu", mu, "logvar", logvar)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    per_sample = -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    return {"none": per_sample, "sum": per_sample.sum(), "mean": per_sample.mean()}[reduction]
