"""feature_maps registers each hook as it looks the name up, so an unknown name leaves the earlier hooks behind."""


def feature_maps(model, x, layer_names):
    outputs, hooks = {}, []
    for name in layer_names:
        try:
            module = model.get_submodule(name)
        except AttributeError:
            raise ValueError(f"layer_names: {name!r} is not a submodule") from None
        hooks.append(module.register_forward_hook(lambda m, i, o, name=name: outputs.__setitem__(name, o)))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return {name: outputs[name] for name in layer_names}
