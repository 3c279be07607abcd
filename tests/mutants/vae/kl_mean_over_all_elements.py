"""kl_divergence with reduction="mean" averages over every element (batch × latent) instead of over the batch."""


def kl_divergence(mu, logvar, reduction="sum"):
    _check_same_shape("mu", mu, "logvar", logvar)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    terms = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp())
    return {"none": terms.sum(-1), "sum": terms.sum(), "mean": terms.mean()}[reduction]
