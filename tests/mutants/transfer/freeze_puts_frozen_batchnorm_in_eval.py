"""freeze also switches every BatchNorm whose parameters it froze to eval mode, which the docstring says it must not do."""


def freeze(model, trainable_prefixes):
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    trainable = frozen = 0
    for name, param in model.named_parameters():
        keep = name.startswith(prefixes)
        param.requires_grad_(keep)
        trainable, frozen = (trainable + param.numel(), frozen) if keep else (trainable, frozen + param.numel())
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d) and not module.weight.requires_grad:
            module.eval()
    return trainable, frozen
