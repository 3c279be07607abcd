"""ddpm_loss sums the squared errors instead of averaging them."""


def ddpm_loss(model, x0, t, noise, alphas_cumprod):
    x_t = q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise, reduction="sum")
