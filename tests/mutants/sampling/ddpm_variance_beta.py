"""ddpm_sample adds noise of variance β_t (the "fixed_large" choice) instead of the posterior variance β̃_t."""


def ddpm_sample(model, shape, betas: torch.Tensor, generator: torch.Generator | None = None,
                clip_x0: bool = True) -> torch.Tensor:
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    betas = betas.to(device=device, dtype=dtype)
    alphas_cumprod = torch.cumprod(1 - betas, dim=0)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in reversed(range(len(betas))):
            eps = model(x, _steps(t, shape[0], device))
            abar_t = alphas_cumprod[t]
            abar_prev = alphas_cumprod[t - 1] if t > 0 else abar_t.new_tensor(1.0)
            x0 = (x - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()
            if clip_x0:
                x0 = x0.clamp(-1, 1)
            coef_x0 = abar_prev.sqrt() * betas[t] / (1 - abar_t)
            coef_xt = (1 - betas[t]).sqrt() * (1 - abar_prev) / (1 - abar_t)
            x = coef_x0 * x0 + coef_xt * x
            if t > 0:
                variance = betas[t]
                x = x + variance.sqrt() * _randn(shape, generator, dtype, device)
    return x
