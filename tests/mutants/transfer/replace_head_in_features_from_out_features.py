"""replace_classifier builds the new head as nn.Linear(old.out_features, num_classes), so it no longer fits the features."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    owner, key = _classifier_slot(model)
    old = getattr(owner, key)
    new = nn.Linear(old.out_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    if isinstance(owner, nn.Sequential):
        owner[int(key)] = new
    else:
        setattr(owner, key, new)
    return model
