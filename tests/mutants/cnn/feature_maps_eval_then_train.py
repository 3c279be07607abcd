"""feature_maps runs in eval mode, then restores with model.train(was_training), which resets every submodule."""

_maps = feature_maps


def feature_maps(model, x, layer_names):
    was_training = model.training
    model.eval()
    try:
        return _maps(model, x, layer_names)
    finally:
        model.train(was_training)
