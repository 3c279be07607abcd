"""vae_loss measures the reconstruction with a summed squared error instead of the binary cross-entropy."""


def vae_loss(recon_x, x, mu, logvar, beta=1.0):
    _check_same_shape("recon_x", recon_x, "x", x)
    recon = F.mse_loss(recon_x, x, reduction="sum")
    kl = kl_divergence(mu, logvar, reduction="sum")
    return recon + beta * kl, recon, kl
