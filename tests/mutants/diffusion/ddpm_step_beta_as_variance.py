"""ddpm_step adds √β_t · noise ("fixed_large") where the posterior √β̃_t · noise belongs."""


def ddpm_step(eps, t, x_t, betas, noise=None, clip_x0=True):
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    if noise is not None:
        _check_same_shape("noise", noise, "x_t", x_t)
    _check_schedule("betas", betas)
    _check_step("t", t, betas.shape[0])
    steps = torch.full((x_t.shape[0],), t, dtype=torch.long, device=betas.device)
    x0 = predict_x0(x_t, steps, eps, alphas_cumprod(betas.to(x_t.dtype)))
    if clip_x0:
        x0 = x0.clamp(-1, 1)
    mean, _ = posterior_mean_variance(x0, x_t, t, betas)
    if t == 0:
        return mean
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + betas[t].to(x_t.dtype).sqrt() * noise
