"""feature_maps removes its hooks only when the forward pass succeeds (no try/finally)."""


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
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return {name: outputs[name] for name in layer_names}
