"""freeze tests `prefix in name` instead of name.startswith(prefix), so "bn1" also unfreezes layer1.0.bn1 and "norm" every block's norm1."""


def freeze(model, trainable_prefixes):
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    trainable = frozen = 0
    for name, param in model.named_parameters():
        keep = any(prefix in name for prefix in prefixes)
        param.requires_grad_(keep)
        trainable, frozen = (trainable + param.numel(), frozen) if keep else (trainable, frozen + param.numel())
    return trainable, frozen
