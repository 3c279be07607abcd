"""ddpm_loss feeds the clean x0 to the model instead of the noised x_t."""


def ddpm_loss(model, x0, t, noise, alphas_cumprod):
    return F.mse_loss(model(x0, t), noise)
