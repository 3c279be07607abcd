"""Variational autoencoder building blocks (spec §3).

A VAE encoder outputs the mean `mu` and log-variance `logvar` of a diagonal
Gaussian q(z|x). These functions sample from it with the reparameterisation
trick, measure its KL divergence from the prior N(0, I), assemble the VAE loss
and walk between two latent codes. Every function keeps the device and dtype of
its inputs.
"""

import torch
import torch.nn.functional as F

REDUCTIONS = ("none", "sum", "mean")
METHODS = ("linear", "slerp")


def _check_same_shape(name_a, a, name_b, b):
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def reparameterize(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
    """Sample z = mu + exp(0.5 * logvar) * eps, differentiable in `mu` and `logvar`.

    `eps` is standard normal noise of `mu`'s shape, drawn with `torch.randn_like(mu)`
    when None. `mu`, `logvar` (and `eps`) of different shapes: ValueError.
    """
    raise NotImplementedError("vae.reparameterize: not implemented yet")


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per sample: -1/2 * sum over the last dim of (1 + logvar - mu² - exp(logvar)).

    `reduction`: "none" returns the per-sample values (shape `mu.shape[:-1]`), "sum"
    their sum and "mean" their mean over the batch. Shapes that differ, a 0-d input
    or another `reduction`: ValueError.
    """
    raise NotImplementedError("vae.kl_divergence: not implemented yet")


def vae_loss(recon_x: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return (total, recon, kl): recon is the summed binary cross-entropy of `recon_x` (probabilities) against `x`,
    kl the summed KL divergence, total = recon + beta * kl.

    `recon_x` and `x` of different shapes, or `beta` < 0: ValueError.
    """
    raise NotImplementedError("vae.vae_loss: not implemented yet")


def interpolate_latents(z_a: torch.Tensor, z_b: torch.Tensor, steps: int, method: str = "linear") -> torch.Tensor:
    """Latent codes from `z_a` to `z_b`, shape (steps, *z_a.shape), at alpha = linspace(0, 1, steps).

    "linear": (1 - alpha) * z_a + alpha * z_b. "slerp": spherical interpolation along
    the last dim, sin((1-alpha)·ω)/sin ω · z_a + sin(alpha·ω)/sin ω · z_b with ω the
    angle between the vectors; vectors that are parallel (sin ω ≈ 0) fall back to
    linear. Row 0 is exactly `z_a` and row -1 exactly `z_b`. Shapes that differ, a
    0-d input, `steps` < 2 or another `method`: ValueError.
    """
    raise NotImplementedError("vae.interpolate_latents: not implemented yet")
