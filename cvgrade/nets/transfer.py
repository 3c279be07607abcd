"""Small trusted models, optimizers and a parameter probe that the transfer graders build inside the submission's process.

The models are the real torchvision and timm classes (`ResNet`, `VGG`, `MobileNetV3`,
`VisionTransformer`) with their layer names and classifier layouts,
at a fraction of the width, for 16 × 16 images: torchvision's VGG hard-codes
a 4096-wide classifier (over 100M parameters), so its shell is built on the meta
device and every submodule is then replaced by a narrow one on the CPU; the
ResNet is assembled by torchvision's own `_make_layer`. Weights are random, drawn
from `seed` without touching the caller's RNG, so two builds with the same arguments
are identical: a grader builds the same model in its own process to know what the
submission's copy holds. Nothing is downloaded.
"""

import torch
from timm.models.vision_transformer import VisionTransformer
from torch import nn
from torchvision.models import ResNet, VGG
from torchvision.models.mobilenetv3 import InvertedResidualConfig, MobileNetV3
from torchvision.models.resnet import BasicBlock
from torchvision.models.vgg import make_layers

IMAGE_SIZE = 16  # every model here takes (B, 3, 16, 16) images


def _seeded(build):
    """Call `build()` with torch's CPU generator seeded, restoring the caller's generator state afterwards.

    The generator itself is reseeded: torch.manual_seed would also queue a lazy seeding of every
    accelerator backend, with a recorded stack trace, on each build.
    """
    def factory(*args, seed: int = 0, **kwargs):
        generator = torch.default_generator
        state = generator.get_state()
        generator.manual_seed(seed)
        try:
            model = build(*args, **kwargs)
        finally:
            generator.set_state(state)
        _check_materialised(model)
        return model
    factory.__doc__, factory.__name__ = build.__doc__, build.__name__
    return factory


def _check_materialised(model: nn.Module) -> None:
    meta = [name for name, t in [*model.named_parameters(), *model.named_buffers()] if t.is_meta]
    if meta:
        raise RuntimeError(f"{type(model).__name__} still has meta tensors: {meta}")


@_seeded
def tiny_resnet(num_classes: int = 10, width: int = 4) -> ResNet:
    """torchvision ResNet-10 layout (conv1, bn1, relu, maxpool, layer1-4 of one BasicBlock each, avgpool, fc)
    with widths width, 2·width, 4·width, 8·width; fc is Linear(8·width, num_classes).

    ResNet.__init__ would build and initialise the 512-wide layers (on the meta device that alone takes
    0.1 s, in Python), so the shell is created without it and given exactly the attributes
    ResNet.__init__ sets, with torchvision's own `_make_layer` building the stages.
    """
    net = ResNet.__new__(ResNet)
    nn.Module.__init__(net)
    net._norm_layer, net.dilation, net.groups, net.base_width, net.inplanes = nn.BatchNorm2d, 1, 1, 64, width
    net.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
    net.bn1 = nn.BatchNorm2d(width)
    net.relu = nn.ReLU(inplace=True)
    net.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
    net.layer1 = net._make_layer(BasicBlock, width, 1)
    net.layer2 = net._make_layer(BasicBlock, 2 * width, 1, stride=2)
    net.layer3 = net._make_layer(BasicBlock, 4 * width, 1, stride=2)
    net.layer4 = net._make_layer(BasicBlock, 8 * width, 1, stride=2)
    net.avgpool = nn.AdaptiveAvgPool2d((1, 1))
    net.fc = nn.Linear(8 * width, num_classes)
    return net


@_seeded
def tiny_vgg(num_classes: int = 10, width: int = 8) -> VGG:
    """torchvision VGG with BatchNorm features [width, M, 2·width, M], a 2×2 average pool and VGG's
    classifier layout Linear-ReLU-Dropout-Linear-ReLU-Dropout-Linear at hidden width 4·width."""
    with torch.device("meta"):
        net = VGG(nn.Sequential(), num_classes=num_classes, init_weights=False)
    net.features = make_layers([width, "M", 2 * width, "M"], batch_norm=True)
    net.avgpool = nn.AdaptiveAvgPool2d((2, 2))
    hidden = 4 * width
    net.classifier = nn.Sequential(
        nn.Linear(2 * width * 4, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, num_classes))
    return net


@_seeded
def tiny_mobilenet(num_classes: int = 10) -> MobileNetV3:
    """torchvision MobileNetV3 with two inverted residual blocks (8 -> 8 with squeeze-excitation and ReLU,
    8 -> 16 with Hardswish, both stride 2) and MobileNet's classifier layout Linear(96, 32), Hardswish,
    Dropout, Linear(32, num_classes)."""
    blocks = [InvertedResidualConfig(8, 3, 8, 8, True, "RE", 2, 1, 1.0),
              InvertedResidualConfig(8, 3, 24, 16, False, "HS", 2, 1, 1.0)]
    return MobileNetV3(blocks, last_channel=32, num_classes=num_classes)


@_seeded
def tiny_vit(num_classes: int = 10, embed_dim: int = 16, depth: int = 2) -> VisionTransformer:
    """timm VisionTransformer for 16×16 images: 4×4 patches, `depth` blocks of width `embed_dim`,
    2 heads, class token, head Linear(embed_dim, num_classes)."""
    return VisionTransformer(img_size=IMAGE_SIZE, patch_size=4, embed_dim=embed_dim, depth=depth, num_heads=2,
                             num_classes=num_classes)


def prepared(factory: str, *, dtype: torch.dtype = torch.float32, device="cpu", trainable=None,
             values_seed: int | None = None, grads_seed: int | None = None, train: bool = True,
             **settings) -> nn.Module:
    """The model `factory(**settings)` of this module set up for a grading case, in one request.

    In this order: moved to `device` and `dtype`; with `values_seed`, every parameter overwritten by
    its own N(0, 1) draws, so that no two are equal; requires_grad True exactly for the parameter
    names in `trainable` (None: all); with `grads_seed`, a stale N(0, 1) gradient on every
    parameter, frozen ones too; train or eval mode. Draws are float64 on the CPU, then cast and moved,
    so the same call gives the same model on any device.
    """
    model = globals()[factory](**settings).to(device=device, dtype=dtype)
    with torch.no_grad():
        for p, values in zip(model.parameters(), _draws(model, values_seed)):
            p.copy_(values)
    for name, p in model.named_parameters():
        p.requires_grad_(trainable is None or name in trainable)
    for p, grad in zip(model.parameters(), _draws(model, grads_seed)):
        p.grad = grad.to(p.device, p.dtype)
    return model.train(train)


def _draws(model: nn.Module, seed: int | None) -> list[torch.Tensor]:
    """One float64 N(0, 1) tensor per parameter, shaped like it, from `seed` (none when seed is None)."""
    if seed is None:
        return []
    generator = torch.Generator().manual_seed(seed)
    return [torch.randn(p.shape, generator=generator, dtype=torch.float64) for p in model.parameters()]


def optimizer(model: nn.Module, kind: str, **settings) -> torch.optim.Optimizer:
    """torch.optim.SGD ("sgd") or AdamW ("adamw") over every parameter of `model`, frozen ones included."""
    classes = {"sgd": torch.optim.SGD, "adamw": torch.optim.AdamW}
    return classes[kind](model.parameters(), **settings)


class Probe:
    """Reads per-parameter and per-module state of a model that graders cannot reach as plain data."""

    def __init__(self, model: nn.Module):
        self.model = model

    def requires_grad(self) -> dict[str, bool]:
        """requires_grad of every parameter, by name."""
        return {name: p.requires_grad for name, p in self.model.named_parameters()}

    def training(self) -> dict[str, bool]:
        """The training flag of every module, by name ("" is the model itself)."""
        return {name: m.training for name, m in self.model.named_modules()}
