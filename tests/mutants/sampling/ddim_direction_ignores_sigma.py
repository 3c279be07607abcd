"""ddim_sample with eta > 0 adds σ·z but keeps the deterministic direction √(1 − ᾱ_prev)·eps instead of √(1 − ᾱ_prev − σ²)·eps."""


def ddim_sample(model, shape, alphas_cumprod: torch.Tensor, num_inference_steps: int, eta: float = 0.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    if not eta >= 0:
        raise ValueError(f"eta must be >= 0, got {eta!r}")
    timesteps = ddim_timesteps(len(alphas_cumprod), num_inference_steps).tolist()
    device, dtype = _device_dtype(model)
    abar = alphas_cumprod.to(device=device, dtype=dtype)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t, t_prev in zip(timesteps, timesteps[1:] + [-1]):
            eps = model(x, _steps(t, shape[0], device))
            a_t = abar[t]
            a_prev = abar[t_prev] if t_prev >= 0 else a_t.new_tensor(1.0)
            x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
            sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
            if eta > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x
