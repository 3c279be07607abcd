"""reparameterize scales the noise by the variance exp(logvar) instead of the std exp(logvar / 2)."""


def reparameterize(mu, logvar, eps=None):
    if eps is None:
        eps = torch.randn_like(mu)
    return mu + torch.exp(logvar) * eps
