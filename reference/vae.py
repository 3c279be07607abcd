"""Trusted references for the `vae` graders, built on torch.distributions and torch.nn.functional.

Graders call these on float64 copies of the inputs, in the grading process.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence as dist_kl


def reparameterize(mu, logvar, eps):
    """z = loc + scale * eps of the Normal whose scale is exp(logvar / 2)."""
    q = Normal(mu, torch.exp(0.5 * logvar))
    return q.loc + q.scale * eps


def kl_divergence(mu, logvar, reduction):
    """KL(Normal(mu, σ) || Normal(0, 1)) summed over the last dim, then reduced over the batch."""
    q = Normal(mu, torch.exp(0.5 * logvar))
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    per_sample = dist_kl(q, prior).sum(-1)
    return {"none": per_sample, "sum": per_sample.sum(), "mean": per_sample.mean()}[reduction]


def vae_loss(recon_x, x, mu, logvar, beta):
    """(recon + beta * kl, recon, kl) with summed BCE and summed KL."""
    recon = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kl = kl_divergence(mu, logvar, "sum")
    return recon + beta * kl, recon, kl


def interpolate_linear(z_a, z_b, steps):
    """(1 - alpha) z_a + alpha z_b for alpha = linspace(0, 1, steps), in NumPy float64."""
    a, b = np.asarray(z_a, np.float64), np.asarray(z_b, np.float64)
    return np.stack([(1 - t) * a + t * b for t in np.linspace(0, 1, steps)])


def _slerp_vector(a, b, t):
    """Shoemake's slerp for one pair of vectors; linear when they are parallel."""
    cos = np.clip(np.dot(a / np.linalg.norm(a), b / np.linalg.norm(b)), -1.0, 1.0)
    omega = np.arccos(cos)
    if np.isclose(np.sin(omega), 0.0, atol=1e-12):
        return (1 - t) * a + t * b
    return np.sin((1 - t) * omega) / np.sin(omega) * a + np.sin(t * omega) / np.sin(omega) * b


def interpolate_slerp(z_a, z_b, steps):
    """Slerp along the last dim, vector by vector, in NumPy float64: shape (steps, *z_a.shape)."""
    a, b = np.asarray(z_a, np.float64), np.asarray(z_b, np.float64)
    flat_a, flat_b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])
    rows = [np.stack([_slerp_vector(va, vb, t) for va, vb in zip(flat_a, flat_b)]).reshape(a.shape)
            for t in np.linspace(0, 1, steps)]
    return np.stack(rows)
