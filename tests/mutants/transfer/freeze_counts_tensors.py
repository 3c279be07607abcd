"""freeze returns how many parameter tensors are trainable and frozen instead of how many elements."""


def freeze(model, trainable_prefixes):
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    trainable = frozen = 0
    for name, param in model.named_parameters():
        keep = name.startswith(prefixes)
        param.requires_grad_(keep)
        trainable, frozen = (trainable + 1, frozen) if keep else (trainable, frozen + 1)
    return trainable, frozen
