"""flow_sample integrates backwards in time, from t = 1 down to 0 (x ← x − dt · v at t = 1 − k/steps), the diffusers sigma convention."""


def flow_sample(model, shape, steps: int, generator: torch.Generator | None = None) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for k in range(steps):
            t = torch.full((shape[0],), 1 - k / steps, dtype=dtype, device=device)
            x = x - model(x, t) / steps
    return x
