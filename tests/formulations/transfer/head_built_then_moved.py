"""replace_classifier builds the new head on the CPU in float32 and then moves it to the old head's device and dtype."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    owner, key = _classifier_slot(model)
    old = getattr(owner, key)
    new = nn.Linear(old.in_features, num_classes).to(device=old.weight.device, dtype=old.weight.dtype)
    if isinstance(owner, nn.Sequential):
        owner[int(key)] = new
    else:
        setattr(owner, key, new)
    return model
