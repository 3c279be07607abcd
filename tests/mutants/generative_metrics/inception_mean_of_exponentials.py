"""inception_score averages exp(KL) over the samples instead of exponentiating the mean KL."""


def inception_score(logits):
    z = _features("logits", logits, min_samples=1)
    log_conditional = special.log_softmax(z, axis=1)
    log_marginal = special.logsumexp(log_conditional, axis=0) - np.log(len(z))
    kl = (np.exp(log_conditional) * (log_conditional - log_marginal)).sum(axis=1)
    return float(np.exp(kl).mean())
