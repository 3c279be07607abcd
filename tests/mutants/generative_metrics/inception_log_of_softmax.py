"""inception_score takes np.log of the softmax probabilities: log 0 = −inf turns 0 · log 0 into NaN for huge logits."""


def inception_score(logits):
    z = _features("logits", logits, min_samples=1)
    conditional = special.softmax(z, axis=1)
    log_conditional = np.log(conditional)
    log_marginal = np.log(conditional.mean(axis=0))
    kl = (np.exp(log_conditional) * (log_conditional - log_marginal)).sum(axis=1)
    return float(np.exp(kl.mean()))
