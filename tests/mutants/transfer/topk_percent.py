"""topk_accuracy returns percentages (as timm's accuracy does) instead of fractions."""


def topk_accuracy(logits, targets, ks=(1, 5)):
    target_logits = logits.gather(1, targets.long()[:, None])
    rivals = (logits >= target_logits).sum(dim=1) - 1
    return {k: 100 * int((rivals < k).sum()) / logits.shape[0] for k in ks}
