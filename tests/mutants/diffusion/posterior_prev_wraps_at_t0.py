"""posterior_mean_variance reads ᾱ_{t-1} as abar[t - 1] without the t = 0 case, so at t = 0 it uses ᾱ_{T-1} instead of 1."""


def posterior_mean_variance(x0, x_t, t, betas):
    _check_same_shape("x0", x0, "x_t", x_t)
    _check_schedule("betas", betas)
    _check_step("t", t, betas.shape[0])
    betas = betas.to(x_t.dtype)
    abar = alphas_cumprod(betas)
    abar_t, abar_prev, beta_t = abar[t], abar[t - 1], betas[t]
    coef_x0 = abar_prev.sqrt() * beta_t / (1 - abar_t)
    coef_xt = (1 - beta_t).sqrt() * (1 - abar_prev) / (1 - abar_t)
    variance = (1 - abar_prev) / (1 - abar_t) * beta_t
    return coef_x0 * x0 + coef_xt * x_t, variance
