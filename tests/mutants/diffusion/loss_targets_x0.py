"""ddpm_loss compares the model's output with x0 instead of the noise."""


def ddpm_loss(model, x0, t, noise, alphas_cumprod):
    x_t = q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), x0)
