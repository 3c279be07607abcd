"""topk_accuracy uses torch.topk, which breaks ties between equal logits by its own order instead of against the target."""


def topk_accuracy(logits, targets, ks=(1, 5)):
    n, classes = logits.shape
    if targets.shape != (n,):
        raise ValueError("targets must be (N,)")
    if int(targets.min()) < 0 or int(targets.max()) >= classes:
        raise ValueError("targets out of range")
    for k in ks:
        _check_positive_int("ks", k)
    top = logits.topk(min(max(ks), classes), dim=1).indices
    hits = top == targets[:, None]
    return {k: int(hits[:, :k].any(dim=1).sum()) / n for k in ks}
