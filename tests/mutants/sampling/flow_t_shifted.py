"""flow_sample evaluates the velocity at the end of each step, t_k = (k + 1)/steps, instead of its start k/steps."""


def flow_sample(model, shape, steps: int, generator: torch.Generator | None = None) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for k in range(steps):
            t = torch.full((shape[0],), (k + 1) / steps, dtype=dtype, device=device)
            x = x + model(x, t) / steps
    return x
