"""flow_sample draws x_0 from torch's global generator, ignoring `generator`."""


def flow_sample(model, shape, steps: int, generator: torch.Generator | None = None) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = torch.randn(shape, dtype=dtype).to(device)
        for k in range(steps):
            t = torch.full((shape[0],), k / steps, dtype=dtype, device=device)
            x = x + model(x, t) / steps
    return x
