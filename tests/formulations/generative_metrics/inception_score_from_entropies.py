"""inception_score as exp(H(p(y)) − mean_x H(p(y|x))), the same KL regrouped into two entropies."""


def inception_score(logits):
    z = _features("logits", logits, min_samples=1)
    log_conditional = special.log_softmax(z, axis=1)
    log_marginal = special.logsumexp(log_conditional, axis=0) - np.log(len(z))
    conditional_entropy = -(np.exp(log_conditional) * log_conditional).sum(axis=1).mean()
    marginal_entropy = -(np.exp(log_marginal) * log_marginal).sum()
    return float(np.exp(marginal_entropy - conditional_entropy))
