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
    ### BEGIN SOLUTION
    _check_same_shape("mu", mu, "logvar", logvar)
    if eps is None:
        eps = torch.randn_like(mu)
    else:
        _check_same_shape("mu", mu, "eps", eps)
    return mu + torch.exp(0.5 * logvar) * eps
    ### END SOLUTION


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor, reduction: str = "sum") -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per sample: -1/2 * sum over the last dim of (1 + logvar - mu² - exp(logvar)).

    `reduction`: "none" returns the per-sample values (shape `mu.shape[:-1]`), "sum"
    their sum and "mean" their mean over the batch. Shapes that differ, a 0-d input
    or another `reduction`: ValueError.
    """
    ### BEGIN SOLUTION
    _check_same_shape("mu", mu, "logvar", logvar)
    if mu.dim() < 1:
        raise ValueError("mu and logvar must have at least one dimension (the latent dimension)")
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    per_sample = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    if reduction == "sum":
        return per_sample.sum()
    if reduction == "mean":
        return per_sample.mean()
    return per_sample
    ### END SOLUTION


def vae_loss(recon_x: torch.Tensor, x: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor,
             beta: float = 1.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Return (total, recon, kl): recon is the summed binary cross-entropy of `recon_x` (probabilities) against `x`,
    kl the summed KL divergence, total = recon + beta * kl.

    `recon_x` and `x` of different shapes, or `beta` < 0: ValueError.
    """
    ### BEGIN SOLUTION
    _check_same_shape("recon_x", recon_x, "x", x)
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    recon = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kl = kl_divergence(mu, logvar, reduction="sum")
    return recon + beta * kl, recon, kl
    ### END SOLUTION


def interpolate_latents(z_a: torch.Tensor, z_b: torch.Tensor, steps: int, method: str = "linear") -> torch.Tensor:
    """Latent codes from `z_a` to `z_b`, shape (steps, *z_a.shape), at alpha = linspace(0, 1, steps).

    "linear": (1 - alpha) * z_a + alpha * z_b. "slerp": spherical interpolation along
    the last dim, sin((1-alpha)·ω)/sin ω · z_a + sin(alpha·ω)/sin ω · z_b with ω the
    angle between the vectors; vectors that are parallel (sin ω ≈ 0) fall back to
    linear. Row 0 is exactly `z_a` and row -1 exactly `z_b`. Shapes that differ, a
    0-d input, `steps` < 2 or another `method`: ValueError.
    """
    ### BEGIN SOLUTION
    _check_same_shape("z_a", z_a, "z_b", z_b)
    if z_a.dim() < 1:
        raise ValueError("z_a and z_b must have at least one dimension (the latent dimension)")
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    alpha = torch.linspace(0, 1, steps, dtype=z_a.dtype, device=z_a.device)
    alpha = alpha.reshape(steps, *([1] * z_a.dim()))
    if method == "linear":
        return (1 - alpha) * z_a + alpha * z_b
    unit_a = z_a / z_a.norm(dim=-1, keepdim=True)
    unit_b = z_b / z_b.norm(dim=-1, keepdim=True)
    omega = torch.acos(torch.clamp((unit_a * unit_b).sum(-1, keepdim=True), -1, 1))
    sin_omega = torch.sin(omega)
    parallel = sin_omega.abs() < 1e-6
    safe_sin = torch.where(parallel, torch.ones_like(sin_omega), sin_omega)
    w_a = torch.where(parallel, 1 - alpha, torch.sin((1 - alpha) * omega) / safe_sin)
    w_b = torch.where(parallel, alpha, torch.sin(alpha * omega) / safe_sin)
    return w_a * z_a + w_b * z_b
    ### END SOLUTION
