"""replace_classifier swaps the whole `classifier` Sequential of VGG / AlexNet / MobileNet for one Linear, dropping its hidden layers."""


def replace_classifier(model, num_classes):
    _check_positive_int("num_classes", num_classes)
    owner, key = _classifier_slot(model)
    if isinstance(owner, nn.Sequential):
        first = next(m for m in owner if isinstance(m, nn.Linear))
        model.classifier = nn.Linear(first.in_features, num_classes, device=first.weight.device,
                                     dtype=first.weight.dtype)
    else:
        old = getattr(owner, key)
        setattr(owner, key, nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype))
    return model
