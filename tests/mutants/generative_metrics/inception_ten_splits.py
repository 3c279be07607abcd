"""inception_score follows torchmetrics' default splits=10: the mean of the scores of 10 chunks, each with its own p(y)."""


def _one_split(log_conditional):
    log_marginal = special.logsumexp(log_conditional, axis=0) - np.log(len(log_conditional))
    return np.exp((np.exp(log_conditional) * (log_conditional - log_marginal)).sum(axis=1).mean())


def inception_score(logits):
    z = _features("logits", logits, min_samples=1)
    log_conditional = special.log_softmax(z, axis=1)
    return float(np.mean([_one_split(chunk) for chunk in np.array_split(log_conditional, min(10, len(z)))]))
