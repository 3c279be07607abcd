"""replace_classifier replaces the last nn.Linear found in model.modules(), so it accepts any architecture instead of raising."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    linears = [name for name, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear")
    owner_name, _, key = linears[-1].rpartition(".")
    owner = model.get_submodule(owner_name)
    old = getattr(owner, key)
    setattr(owner, key, nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype))
    return model
