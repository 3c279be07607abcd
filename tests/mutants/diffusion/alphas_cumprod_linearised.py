"""alphas_cumprod uses the first-order approximation 1 - Σ β_i instead of the product Π (1 - β_i)."""


def alphas_cumprod(betas):
    _check_schedule("betas", betas)
    return 1 - torch.cumsum(betas, dim=0)
