"""flow_sample takes its times from torch.linspace(0, 1, steps), t_k = k/(steps − 1), so the last velocity is read at t = 1."""


def flow_sample(model, shape, steps: int, generator: torch.Generator | None = None) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for time in torch.linspace(0, 1, steps, dtype=dtype).tolist():
            t = torch.full((shape[0],), time, dtype=dtype, device=device)
            x = x + model(x, t) / steps
    return x
