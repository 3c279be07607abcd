"""freeze only sets requires_grad on Conv and Linear weights and biases, so BatchNorm / LayerNorm parameters keep their old state."""


def freeze(model, trainable_prefixes):
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    for module_name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            for name, param in module.named_parameters(prefix=module_name):
                param.requires_grad_(name.startswith(prefixes))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters()) - trainable
