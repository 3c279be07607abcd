"""replace_classifier zero-initialises the new head instead of keeping nn.Linear's default initialisation."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    owner, key = _classifier_slot(model)
    old = getattr(owner, key)
    new = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    nn.init.zeros_(new.weight)
    nn.init.zeros_(new.bias)
    if isinstance(owner, nn.Sequential):
        owner[int(key)] = new
    else:
        setattr(owner, key, new)
    return model
