"""alphas_cumprod is shifted by one step (ᾱ_t = Π_{i<t} α_i, starting at 1), the ᾱ indexed off by one."""


def alphas_cumprod(betas):
    _check_schedule("betas", betas)
    abar = torch.cumprod(1 - betas, dim=0)
    return torch.cat([abar.new_ones(1), abar[:-1]])
