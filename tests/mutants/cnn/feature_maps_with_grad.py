"""feature_maps runs the model with autograd on (no torch.no_grad()), so every feature map requires grad."""


def feature_maps(model, x, layer_names):
    modules = {}
    for name in layer_names:
        try:
            modules[name] = model.get_submodule(name)
        except AttributeError:
            raise ValueError(f"layer_names: {name!r} is not a submodule") from None
    outputs = {}
    hooks = [module.register_forward_hook(lambda m, i, o, name=name: outputs.__setitem__(name, o))
             for name, module in modules.items()]
    try:
        model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return {name: outputs[name] for name in layer_names}
