"""replace_classifier creates the new head with nn.Linear's defaults, float32 on the CPU, whatever the model's dtype and device."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    owner, key = _classifier_slot(model)
    new = nn.Linear(getattr(owner, key).in_features, num_classes)
    if isinstance(owner, nn.Sequential):
        owner[int(key)] = new
    else:
        setattr(owner, key, new)
    return model
