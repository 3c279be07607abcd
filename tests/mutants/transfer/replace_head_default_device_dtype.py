"""replace_classifier creates the new head with nn.Linear's defaults, float32 on the CPU, whatever the model's dtype and device."""


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
    if not isinstance(getattr(owner, key), nn.Linear):
        raise ValueError("model's classifier must be an nn.Linear")
    setattr(owner, key, nn.Linear(getattr(owner, key).in_features, num_classes))
    return model
