"""topk_accuracy counts only strictly larger logits against the target, so ties count in its favour (constant logits score 100 %)."""


def topk_accuracy(logits, targets, ks=(1, 5)):
    target_logits = logits.gather(1, targets.long()[:, None])
    rivals = (logits > target_logits).sum(dim=1)
    return {k: int((rivals < k).sum()) / logits.shape[0] for k in ks}
