"""predict_x0 divides by ᾱ_t instead of √ᾱ_t."""


def predict_x0(x_t, t, eps, alphas_cumprod):
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_timesteps(t, x_t.shape[0], alphas_cumprod.shape[0])
    a = alphas_cumprod.to(x_t.dtype)[t].reshape(-1, *[1] * (x_t.ndim - 1))
    return (x_t - (1 - a).sqrt() * eps) / a
