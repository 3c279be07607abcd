"""q_sample scales by ᾱ_t and 1 - ᾱ_t instead of their square roots."""


def q_sample(x0, t, noise, alphas_cumprod):
    _check_batched("x0", x0)
    _check_same_shape("noise", noise, "x0", x0)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_timesteps(t, x0.shape[0], alphas_cumprod.shape[0])
    a = alphas_cumprod.to(x0.dtype)[t].reshape(-1, *[1] * (x0.ndim - 1))
    return a * x0 + (1 - a) * noise
