"""replace_classifier zero-initialises the new head instead of keeping nn.Linear's default initialisation."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    if hasattr(model, "fc"):
        owner, key = model, "fc"
    elif isinstance(getattr(model, "classifier", None), nn.Sequential):
        owner, key = model.classifier, str(len(model.classifier) - 1)
    elif hasattr(model, "head"):
        owner, key = model, "head"
    else:
        raise ValueError("model must be a ResNet, VGG, AlexNet, MobileNet or ViT")
    old = getattr(owner, key)
    if not isinstance(old, nn.Linear):
        raise ValueError("model's classifier must be an nn.Linear")
    new = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    nn.init.zeros_(new.weight)
    nn.init.zeros_(new.bias)
    setattr(owner, key, new)
    return model
