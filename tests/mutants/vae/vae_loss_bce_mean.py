"""vae_loss uses F.binary_cross_entropy with its default reduction="mean", so the reconstruction term is far too small next to the summed KL."""


def vae_loss(recon_x, x, mu, logvar, beta=1.0):
    _check_same_shape("recon_x", recon_x, "x", x)
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    recon = F.binary_cross_entropy(recon_x, x)
    kl = kl_divergence(mu, logvar, reduction="sum")
    return recon + beta * kl, recon, kl
