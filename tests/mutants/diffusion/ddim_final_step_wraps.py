"""ddim_step reads ᾱ_prev as alphas_cumprod[t_prev] even for t_prev = -1, which wraps to ᾱ_{T-1} instead of 1."""


def ddim_step(eps, t, t_prev, x_t, alphas_cumprod, eta=0.0, noise=None):
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_step("t", t, alphas_cumprod.shape[0])
    if not -1 <= t_prev < t or not eta >= 0:
        raise ValueError(f"t_prev must be in [-1, t-1] and eta >= 0, got t_prev={t_prev!r}, eta={eta!r}")
    abar = alphas_cumprod.to(x_t.dtype)
    a_t, a_prev = abar[t], abar[t_prev]
    x0 = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
    x_prev = a_prev.sqrt() * x0 + (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() * eps
    if eta > 0:
        x_prev = x_prev + sigma * (torch.randn_like(x_t) if noise is None else noise)
    return x_prev
