"""parameter_groups applies weight decay to every parameter, biases and norm weights included (no no-decay groups)."""


def parameter_groups(model, head_prefixes, base_lr, backbone_lr_scale=0.1, weight_decay=0.05):
    prefixes = _check_prefixes("head_prefixes", head_prefixes)
    backbone = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith(prefixes)]
    head = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith(prefixes)]
    groups = [{"params": backbone, "lr": base_lr * backbone_lr_scale, "weight_decay": weight_decay},
              {"params": head, "lr": base_lr, "weight_decay": weight_decay}]
    return [g for g in groups if g["params"]]
