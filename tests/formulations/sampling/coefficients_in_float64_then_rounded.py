"""ddpm_sample and ddim_sample compute ᾱ and every step coefficient in float64, then round them once to the
sample's dtype (instead of computing the schedule in that dtype)."""


def _coefficients_ddpm(betas, t):
    """(√ᾱ_t, √(1−ᾱ_t), posterior coefficients of x0 and x_t, √β̃_t) at step t, in float64."""
    betas = betas.double()
    abar = torch.cumprod(1 - betas, dim=0)
    abar_prev = abar[t - 1] if t > 0 else abar.new_tensor(1.0)
    return (abar[t].sqrt(), (1 - abar[t]).sqrt(), abar_prev.sqrt() * betas[t] / (1 - abar[t]),
            (1 - betas[t]).sqrt() * (1 - abar_prev) / (1 - abar[t]), ((1 - abar_prev) / (1 - abar[t]) * betas[t]).sqrt())


def ddpm_sample(model, shape, betas, generator=None, clip_x0=True):
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in reversed(range(len(betas))):
            eps = model(x, _steps(t, shape[0], device))
            root_abar, root_one_minus, coef_x0, coef_xt, sigma = (
                c.to(device=device, dtype=dtype) for c in _coefficients_ddpm(betas.cpu(), t))
            x0 = (x - root_one_minus * eps) / root_abar
            if clip_x0:
                x0 = x0.clamp(-1, 1)
            x = coef_x0 * x0 + coef_xt * x
            if t > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x


def ddim_sample(model, shape, alphas_cumprod, num_inference_steps, eta=0.0, generator=None):
    shape = _check_shape(shape)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    if not eta >= 0:
        raise ValueError(f"eta must be >= 0, got {eta!r}")
    timesteps = ddim_timesteps(len(alphas_cumprod), num_inference_steps).tolist()
    device, dtype = _device_dtype(model)
    abar = alphas_cumprod.detach().cpu().double()
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t, t_prev in zip(timesteps, timesteps[1:] + [-1]):
            eps = model(x, _steps(t, shape[0], device))
            a_t, a_prev = abar[t], abar[t_prev] if t_prev >= 0 else abar.new_tensor(1.0)
            sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
            # x_prev = c_x · x_t + c_eps · eps: the x0 prediction folded into two coefficients
            c_x = (a_prev / a_t).sqrt()
            c_eps = (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() - (a_prev * (1 - a_t) / a_t).sqrt()
            c_x, c_eps, sigma = (c.to(device=device, dtype=dtype) for c in (c_x, c_eps, sigma))
            x = c_x * x + c_eps * eps
            if eta > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x
