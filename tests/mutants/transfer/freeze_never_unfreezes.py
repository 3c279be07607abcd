"""freeze sets requires_grad = False on the other parameters but never True on the matching ones, so a frozen head stays frozen."""


def freeze(model, trainable_prefixes):
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    for name, param in model.named_parameters():
        if not name.startswith(prefixes):
            param.requires_grad_(False)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters()) - trainable
