"""ddpm_sample through the DDPM paper's sampling line 1/√α_t (x_t − β_t/√(1−ᾱ_t) ε) + σ_t z when clip_x0=False,
with β_t and ᾱ_{t−1} recovered from ᾱ as diffusers does (β_t = 1 − ᾱ_t/ᾱ_{t−1})."""


def ddpm_sample(model, shape, betas, generator=None, clip_x0=True):
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    abar = torch.cumprod(1 - betas.to(device=device, dtype=dtype), dim=0)
    one = abar.new_tensor(1.0)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in range(len(betas) - 1, -1, -1):
            eps = model(x, torch.full((shape[0],), t, dtype=torch.long, device=device))
            abar_prev = abar[t - 1] if t > 0 else one
            alpha_t = abar[t] / abar_prev
            beta_t = 1 - alpha_t
            if clip_x0:
                x0 = ((x - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()).clamp(-1, 1)
                x = (abar_prev.sqrt() * beta_t * x0 + alpha_t.sqrt() * (1 - abar_prev) * x) / (1 - abar[t])
            else:
                x = (x - beta_t / (1 - abar[t]).sqrt() * eps) / alpha_t.sqrt()
            if t > 0:
                sigma = ((1 - abar_prev) / (1 - abar[t]) * beta_t).sqrt()
                x = x + sigma * torch.randn(shape, generator=generator, dtype=dtype).to(device)
    return x
