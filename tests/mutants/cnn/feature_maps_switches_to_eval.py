"""feature_maps calls model.eval() for inference and leaves the model in eval mode."""

_maps = feature_maps


def feature_maps(model, x, layer_names):
    model.eval()
    return _maps(model, x, layer_names)
