"""ddim_step validates neither t_prev nor eta: t_prev = t, t_prev = -2 or a negative eta run instead of raising ValueError."""


def ddim_step(eps, t, t_prev, x_t, alphas_cumprod, eta=0.0, noise=None):
    abar = alphas_cumprod.to(x_t.dtype)
    a_t = abar[t]
    a_prev = abar[t_prev] if t_prev >= 0 else abar.new_tensor(1.0)
    x0 = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
    x_prev = a_prev.sqrt() * x0 + (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() * eps
    if eta > 0:
        x_prev = x_prev + sigma * (torch.randn_like(x_t) if noise is None else noise)
    return x_prev
