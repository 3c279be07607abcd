"""posterior_mean_variance returns β_t as the variance where the posterior variance β̃_t belongs."""


def posterior_mean_variance(x0, x_t, t, betas):
    _check_same_shape("x0", x0, "x_t", x_t)
    _check_schedule("betas", betas)
    _check_step("t", t, betas.shape[0])
    betas = betas.to(x_t.dtype)
    abar = alphas_cumprod(betas)
    abar_t = abar[t]
    abar_prev = abar[t - 1] if t > 0 else abar.new_tensor(1.0)
    beta_t = betas[t]
    coef_x0 = abar_prev.sqrt() * beta_t / (1 - abar_t)
    coef_xt = (1 - beta_t).sqrt() * (1 - abar_prev) / (1 - abar_t)
    return coef_x0 * x0 + coef_xt * x_t, beta_t
