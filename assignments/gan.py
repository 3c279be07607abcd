"""Generative adversarial network building blocks (spec §4).

Losses take raw discriminator logits (never probabilities) and stay finite for
logits of ±100. The networks follow DCGAN (Radford et al., 2016): all
convolutional, BatchNorm, ReLU in the generator, LeakyReLU(0.2) in the
discriminator, no pooling. `gradient_penalty` is the WGAN-GP regulariser
(Gulrajani et al., 2017).
"""

import math

import torch
import torch.nn as nn

GENERATOR_KINDS = ("non_saturating", "minimax")


def _bce_with_logits(logits: torch.Tensor, target: float) -> torch.Tensor:
    """Mean binary cross-entropy of sigmoid(logits) against a constant target, computed stably:
    BCE(x, y) = softplus(x) - y·x, with softplus(x) = max(x, 0) + log(1 + exp(-|x|))."""
    softplus = torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs()))
    return (softplus - target * logits).mean()


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor, real_label: float = 1.0) -> torch.Tensor:
    """BCE(real_logits, real_label) + BCE(fake_logits, 0), each averaged over its own batch.

    `real_label` < 1 is one-sided label smoothing: only the real targets change.
    `real_label` outside [0, 1]: ValueError.
    """
    raise NotImplementedError("gan.discriminator_loss: not implemented yet")


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """The generator's loss on D's logits for generated images, averaged over the batch.

    "non_saturating": BCE(fake_logits, 1) = -mean log D(G(z)); "minimax":
    mean log(1 - D(G(z))). Another `kind`: ValueError.
    """
    raise NotImplementedError("gan.generator_loss: not implemented yet")


def dcgan_weights_init(module: nn.Module) -> None:
    """DCGAN initialisation for `model.apply(dcgan_weights_init)`: Conv*/ConvTranspose* weights ~ N(0, 0.02);
    BatchNorm* weights ~ N(1, 0.02) and biases 0; every other module is left as it is."""
    raise NotImplementedError("gan.dcgan_weights_init: not implemented yet")


class Generator(nn.Module):
    """DCGAN generator: noise (B, nz, 1, 1) -> images (B, nc, 64, 64) in [-1, 1].

    Five nn.ConvTranspose2d layers, 1 -> 4 -> 8 -> 16 -> 32 -> 64 pixels with ngf·8,
    ngf·4, ngf·2, ngf, nc channels. The layers run in this order, and no others:
    four times ConvTranspose2d, nn.BatchNorm2d, nn.ReLU; then the last
    ConvTranspose2d and nn.Tanh (no BatchNorm before the tanh); no pooling.
    """

    def __init__(self, nz: int = 100, ngf: int = 64, nc: int = 3):
        super().__init__()
        raise NotImplementedError("gan.Generator.__init__: not implemented yet")

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z of shape (B, nz, 1, 1); another shape: ValueError."""
        raise NotImplementedError("gan.Generator.forward: not implemented yet")


class Discriminator(nn.Module):
    """DCGAN discriminator: images (B, nc, 64, 64) -> logits (B,), no final sigmoid.

    Four stride-2 nn.Conv2d layers, 64 -> 32 -> 16 -> 8 -> 4 pixels with ndf, ndf·2,
    ndf·4, ndf·8 channels, then a final 4×4 nn.Conv2d to one logit. The layers run in
    this order, and no others: Conv2d, nn.LeakyReLU(0.2); three times Conv2d,
    nn.BatchNorm2d, nn.LeakyReLU(0.2); the final Conv2d. Every activation is a
    LeakyReLU with slope 0.2; no pooling, no sigmoid.
    """

    def __init__(self, nc: int = 3, ndf: int = 64):
        super().__init__()
        raise NotImplementedError("gan.Discriminator.__init__: not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x of shape (B, nc, 64, 64); another shape: ValueError."""
        raise NotImplementedError("gan.Discriminator.forward: not implemented yet")


class ConditionalGenerator(nn.Module):
    """Class-conditional MLP generator: (z (B, nz), labels (B,)) -> images (B, *img_shape) in [-1, 1].

    `label_embedding` is an nn.Embedding(num_classes, embed_dim) whose output is
    concatenated with the noise before the MLP (`hidden` units per hidden layer); the
    MLP's output goes through a final tanh, so images stay in [-1, 1] however large
    its pre-activations are.
    z not (B, nz), labels not (B,) or out of range: ValueError.
    """

    def __init__(self, nz: int, num_classes: int, embed_dim: int, img_shape: tuple[int, ...], hidden: int = 128):
        super().__init__()
        raise NotImplementedError("gan.ConditionalGenerator.__init__: not implemented yet")

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Images (B, *img_shape) for noise z (B, nz) and integer class labels (B,)."""
        raise NotImplementedError("gan.ConditionalGenerator.forward: not implemented yet")


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """WGAN-GP penalty mean((‖∇_x̂ critic(x̂)‖₂ - 1)²) at x̂ = alpha·real + (1-alpha)·fake.

    `alpha` holds one mixing weight per sample (B values, e.g. shape (B,) or (B, 1, 1, 1))
    and is broadcast over the other dims; the norm is over all dims but the batch. The
    graph is kept (create_graph), so the penalty back-propagates to the critic's
    parameters. `real`, `fake` of different shapes or `alpha` without B values: ValueError.
    """
    raise NotImplementedError("gan.gradient_penalty: not implemented yet")
