"""ddpm_loss detaches the prediction (.detach() "to save memory"), so no gradient reaches the model."""


def ddpm_loss(model, x0, t, noise, alphas_cumprod):
    x_t = q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t).detach(), noise)
