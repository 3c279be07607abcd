"""reparameterize samples with torch.normal(mu, std), which ignores eps and passes no gradient to mu or logvar."""


def reparameterize(mu, logvar, eps=None):
    _check_same_shape("mu", mu, "logvar", logvar)
    return torch.normal(mu, torch.exp(0.5 * logvar))
