"""reparameterize draws its noise with torch.rand_like (uniform on [0, 1)) instead of torch.randn_like."""


def reparameterize(mu, logvar, eps=None):
    _check_same_shape("mu", mu, "logvar", logvar)
    if eps is None:
        eps = torch.rand_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
