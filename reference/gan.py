"""Trusted references for the `gan` graders, built on F.binary_cross_entropy_with_logits and torch.autograd.

Graders call these on float64 copies of the inputs, in the grading process.
"""

import torch
import torch.nn.functional as F


def bce_logits(logits, target):
    """Mean BCE of sigmoid(logits) against the constant `target`."""
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def discriminator_loss(real_logits, fake_logits, real_label):
    return bce_logits(real_logits, real_label) + bce_logits(fake_logits, 0.0)


def generator_loss(fake_logits, kind):
    """non_saturating: -mean log D(G(z)); minimax: mean log(1 - D(G(z))) = -BCE(fake_logits, 0)."""
    if kind == "non_saturating":
        return bce_logits(fake_logits, 1.0)
    return -bce_logits(fake_logits, 0.0)


def build_sequential(layers):
    """torch.nn.Sequential from [(dotted class name, args), ...], the recipe graders also build in the submission."""
    modules = []
    for dotted, args in layers:
        cls = torch.nn
        for part in dotted.removeprefix("torch.nn.").split("."):
            cls = getattr(cls, part)
        modules.append(cls(*args))
    return torch.nn.Sequential(*modules)


def gradient_penalty(critic, real, fake, alpha):
    """WGAN-GP penalty with its graph, per Gulrajani et al.: x̂ per sample, L2 norm over all non-batch dims."""
    shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    x_hat = (alpha.reshape(shape) * real + (1 - alpha.reshape(shape)) * fake).detach().requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores.sum(), x_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
