"""alphas_cumprod multiplies the betas themselves (cumprod(betas)) instead of the alphas 1 - β."""


def alphas_cumprod(betas):
    _check_schedule("betas", betas)
    return torch.cumprod(betas, dim=0)
