"""vae_loss weights the reconstruction term by beta instead of the KL term."""


def vae_loss(recon_x, x, mu, logvar, beta=1.0):
    _check_same_shape("recon_x", recon_x, "x", x)
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    recon = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kl = kl_divergence(mu, logvar, reduction="sum")
    return beta * recon + kl, recon, kl
