"""BCE with logits through log σ: −(y·log σ(x) + (1 − y)·log σ(−x)), instead of softplus(x) − y·x."""


def _bce_with_logits(logits, target):
    return -(target * nn.functional.logsigmoid(logits) + (1 - target) * nn.functional.logsigmoid(-logits)).mean()
