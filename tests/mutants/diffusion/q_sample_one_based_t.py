"""q_sample treats t as 1-based and reads ᾱ_{t-1} (so t = 0 wraps around to ᾱ_{T-1})."""


def q_sample(x0, t, noise, alphas_cumprod):
    _check_batched("x0", x0)
    _check_same_shape("noise", noise, "x0", x0)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_timesteps(t, x0.shape[0], alphas_cumprod.shape[0])
    a = alphas_cumprod.to(x0.dtype)[t - 1].reshape(-1, *[1] * (x0.ndim - 1))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise
