"""inception_score takes KL(p(y) ‖ p(y|x)) instead of KL(p(y|x) ‖ p(y))."""


def inception_score(logits):
    z = _features("logits", logits, min_samples=1)
    log_conditional = special.log_softmax(z, axis=1)
    log_marginal = special.logsumexp(log_conditional, axis=0) - np.log(len(z))
    kl = (np.exp(log_marginal) * (log_marginal - log_conditional)).sum(axis=1)
    return float(np.exp(kl.mean()))
