"""parameter_groups exempts only parameters named *.bias from weight decay, so BatchNorm / LayerNorm weights (ndim 1) are decayed."""


def parameter_groups(model, head_prefixes, base_lr, backbone_lr_scale=0.1, weight_decay=0.05):
    prefixes = _check_prefixes("head_prefixes", head_prefixes)
    buckets = {(part, decay): [] for part in ("backbone", "head") for decay in (True, False)}
    for name, param in model.named_parameters():
        if param.requires_grad:
            part = "head" if name.startswith(prefixes) else "backbone"
            buckets[part, not name.endswith("bias")].append(param)
    lrs = {"backbone": base_lr * backbone_lr_scale, "head": base_lr}
    return [{"params": params, "lr": lrs[part], "weight_decay": weight_decay if decay else 0.0}
            for (part, decay), params in buckets.items() if params]
