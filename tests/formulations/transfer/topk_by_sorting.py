"""topk_accuracy ranks by sorting each row in descending order with the target moved last among its ties
(a stable sort of (logit, is_target)), then checks whether the target lands in the first k."""


def topk_accuracy(logits, targets, ks=(1, 5)):
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1 or not logits.is_floating_point():
        raise ValueError("logits must be a floating (N, C) tensor")
    n, classes = logits.shape
    if targets.shape != (n,) or targets.is_floating_point():
        raise ValueError("targets must be an integer (N,) tensor")
    if int(targets.min()) < 0 or int(targets.max()) >= classes:
        raise ValueError("targets out of range")
    for k in ks:
        _check_positive_int("ks", k)
    is_target = torch.zeros_like(logits, dtype=torch.bool).scatter_(1, targets.long()[:, None], True)
    order = torch.argsort(is_target.to(logits.dtype), dim=1, stable=True)  # target last among equals
    order = order.gather(1, torch.argsort(logits.gather(1, order), dim=1, descending=True, stable=True))
    rank = (order == targets[:, None]).to(torch.int64).argmax(dim=1)
    return {k: float((rank < k).to(logits.dtype).mean()) for k in ks}
