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
    ### BEGIN SOLUTION
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"real_label must be in [0, 1], got {real_label}")
    return _bce_with_logits(real_logits, real_label) + _bce_with_logits(fake_logits, 0.0)
    ### END SOLUTION


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """The generator's loss on D's logits for generated images, averaged over the batch.

    "non_saturating": BCE(fake_logits, 1) = -mean log D(G(z)); "minimax":
    mean log(1 - D(G(z))). Another `kind`: ValueError.
    """
    ### BEGIN SOLUTION
    if kind not in GENERATOR_KINDS:
        raise ValueError(f"kind must be one of {GENERATOR_KINDS}, got {kind!r}")
    if kind == "non_saturating":
        return _bce_with_logits(fake_logits, 1.0)
    return -_bce_with_logits(fake_logits, 0.0)
    ### END SOLUTION


def dcgan_weights_init(module: nn.Module) -> None:
    """DCGAN initialisation for `model.apply(dcgan_weights_init)`: Conv*/ConvTranspose* weights ~ N(0, 0.02);
    BatchNorm* weights ~ N(1, 0.02) and biases 0; every other module is left as it is."""
    ### BEGIN SOLUTION
    if isinstance(module, nn.modules.conv._ConvNd):
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif isinstance(module, nn.modules.batchnorm._BatchNorm):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
    ### END SOLUTION


class Generator(nn.Module):
    """DCGAN generator: noise (B, nz, 1, 1) -> images (B, nc, 64, 64) in [-1, 1].

    Five nn.ConvTranspose2d layers, 1 -> 4 -> 8 -> 16 -> 32 -> 64 pixels with ngf·8,
    ngf·4, ngf·2, ngf, nc channels. The layers run in this order, and no others:
    four times ConvTranspose2d, nn.BatchNorm2d, nn.ReLU; then the last
    ConvTranspose2d and nn.Tanh (no BatchNorm before the tanh); no pooling.
    """

    def __init__(self, nz: int = 100, ngf: int = 64, nc: int = 3):
        super().__init__()
        ### BEGIN SOLUTION
        self.nz = nz

        def up(c_in, c_out):
            return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]

        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
            *up(ngf * 8, ngf * 4), *up(ngf * 4, ngf * 2), *up(ngf * 2, ngf),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh(),
        )
        ### END SOLUTION

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """z of shape (B, nz, 1, 1); another shape: ValueError."""
        ### BEGIN SOLUTION
        if z.dim() != 4 or tuple(z.shape[1:]) != (self.nz, 1, 1):
            raise ValueError(f"z must have shape (B, {self.nz}, 1, 1), got {tuple(z.shape)}")
        return self.main(z)
        ### END SOLUTION


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
        ### BEGIN SOLUTION
        self.nc = nc

        def down(c_in, c_out):
            return [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.LeakyReLU(0.2, inplace=True)]

        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
            *down(ndf, ndf * 2), *down(ndf * 2, ndf * 4), *down(ndf * 4, ndf * 8),
            nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False),
        )
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x of shape (B, nc, 64, 64); another shape: ValueError."""
        ### BEGIN SOLUTION
        if x.dim() != 4 or tuple(x.shape[1:]) != (self.nc, 64, 64):
            raise ValueError(f"x must have shape (B, {self.nc}, 64, 64), got {tuple(x.shape)}")
        return self.main(x).reshape(-1)
        ### END SOLUTION


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
        ### BEGIN SOLUTION
        self.nz, self.num_classes, self.img_shape = nz, num_classes, tuple(img_shape)
        self.label_embedding = nn.Embedding(num_classes, embed_dim)
        self.model = nn.Sequential(
            nn.Linear(nz + embed_dim, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, math.prod(self.img_shape)), nn.Tanh(),
        )
        ### END SOLUTION

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Images (B, *img_shape) for noise z (B, nz) and integer class labels (B,)."""
        ### BEGIN SOLUTION
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"z must have shape (B, {self.nz}), got {tuple(z.shape)}")
        if labels.shape != z.shape[:1]:
            raise ValueError(f"labels must have shape ({z.shape[0]},), got {tuple(labels.shape)}")
        if labels.numel() and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f"labels must lie in [0, {self.num_classes}), got values in "
                             f"[{labels.min().item()}, {labels.max().item()}]")
        h = torch.cat([z, self.label_embedding(labels)], dim=1)
        return self.model(h).reshape(z.shape[0], *self.img_shape)
        ### END SOLUTION


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
    """WGAN-GP penalty mean((‖∇_x̂ critic(x̂)‖₂ - 1)²) at x̂ = alpha·real + (1-alpha)·fake.

    `alpha` holds one mixing weight per sample (B values, e.g. shape (B,) or (B, 1, 1, 1))
    and is broadcast over the other dims; the norm is over all dims but the batch. The
    graph is kept (create_graph), so the penalty back-propagates to the critic's
    parameters. `real`, `fake` of different shapes or `alpha` without B values: ValueError.
    """
    ### BEGIN SOLUTION
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    if real.dim() < 2:
        raise ValueError(f"real must have a batch dim and at least one more, got shape {tuple(real.shape)}")
    batch = real.shape[0]
    if alpha.numel() != batch:
        raise ValueError(f"alpha must hold one value per sample ({batch}), got shape {tuple(alpha.shape)}")
    alpha = alpha.reshape(batch, *([1] * (real.dim() - 1)))
    x_hat = alpha * real + (1 - alpha) * fake
    if not x_hat.requires_grad:
        x_hat.requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores, x_hat, grad_outputs=torch.ones_like(scores), create_graph=True)
    norms = grad.reshape(batch, -1).norm(2, dim=1)
    return ((norms - 1) ** 2).mean()
    ### END SOLUTION
