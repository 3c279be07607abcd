"""replace_classifier swaps the whole `classifier` Sequential of VGG / AlexNet / MobileNet for one Linear, dropping its hidden layers."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    if hasattr(model, "fc"):
        key, old = "fc", model.fc
    elif isinstance(getattr(model, "classifier", None), nn.Sequential):
        key, old = "classifier", next(m for m in model.classifier if isinstance(m, nn.Linear))
    elif hasattr(model, "head"):
        key, old = "head", model.head
    else:
        raise ValueError("model must be a ResNet, VGG, AlexNet, MobileNet or ViT")
    if not isinstance(old, nn.Linear):
        raise ValueError("model's classifier must be an nn.Linear")
    setattr(model, key, nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype))
    return model
