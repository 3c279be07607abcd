"""topk_accuracy looks for the target among the k smallest logits (torch.topk with largest=False)."""


def topk_accuracy(logits, targets, ks=(1, 5)):
    n, classes = logits.shape
    for k in ks:
        _check_positive_int("ks", k)
    top = logits.topk(min(max(ks), classes), dim=1, largest=False).indices
    hits = top == targets[:, None]
    return {k: int(hits[:, :k].any(dim=1).sum()) / n for k in ks}
