"""Small trusted models, optimizers and a parameter probe that the transfer graders build inside the submission's process.

The models are the real torchvision and timm classes (`ResNet`, `VGG`, `AlexNet`,
`MobileNetV3`, `VisionTransformer`) with their layer names and classifier layouts,
at a fraction of the width: torchvision's VGG and AlexNet hard-code 4096-wide
classifiers (over 50M parameters), so those shells are built on the meta device and
every submodule is then replaced by a narrow one on the CPU; the ResNet is assembled
by torchvision's own `_make_layer`. Weights are random,
drawn from `seed` without touching the global RNG. Nothing is downloaded.
"""

import torch
from timm.models.vision_transformer import VisionTransformer
from torch import nn
from torchvision.models import AlexNet, MobileNetV3, ResNet, VGG, mobilenet_v3_small
from torchvision.models.resnet import BasicBlock
from torchvision.models.vgg import make_layers

IMAGE_SIZE = 32  # every model here takes (B, 3, 32, 32) images


def _seeded(build):
    """Call `build()` with torch's CPU RNG seeded, restoring the caller's RNG state afterwards."""
    def factory(*args, seed: int = 0, **kwargs):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = build(*args, **kwargs)
        _check_materialised(model)
        return model
    factory.__doc__, factory.__name__ = build.__doc__, build.__name__
    return factory


def _check_materialised(model: nn.Module) -> None:
    meta = [name for name, t in [*model.named_parameters(), *model.named_buffers()] if t.is_meta]
    if meta:
        raise RuntimeError(f"{type(model).__name__} still has meta tensors: {meta}")


@_seeded
def tiny_resnet(num_classes: int = 10, width: int = 8) -> ResNet:
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
def tiny_alexnet(num_classes: int = 10, width: int = 8) -> AlexNet:
    """torchvision AlexNet with two conv-ReLU-maxpool stages, a 2×2 average pool and AlexNet's
    classifier layout Dropout-Linear-ReLU-Dropout-Linear-ReLU-Linear at hidden width 4·width."""
    with torch.device("meta"):
        net = AlexNet(num_classes=num_classes)
    net.features = nn.Sequential(
        nn.Conv2d(3, width, 5, stride=2, padding=2), nn.ReLU(True), nn.MaxPool2d(2),
        nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(True), nn.MaxPool2d(2))
    net.avgpool = nn.AdaptiveAvgPool2d((2, 2))
    hidden = 4 * width
    net.classifier = nn.Sequential(
        nn.Dropout(), nn.Linear(2 * width * 4, hidden), nn.ReLU(True),
        nn.Dropout(), nn.Linear(hidden, hidden), nn.ReLU(True),
        nn.Linear(hidden, num_classes))
    return net


@_seeded
def small_mobilenet(num_classes: int = 10) -> MobileNetV3:
    """torchvision mobilenet_v3_small(weights=None) at width_mult 0.25: classifier
    Linear(144, 256), Hardswish, Dropout, Linear(256, num_classes)."""
    return mobilenet_v3_small(weights=None, num_classes=num_classes, width_mult=0.25)


@_seeded
def tiny_vit(num_classes: int = 10, embed_dim: int = 32, depth: int = 2) -> VisionTransformer:
    """timm VisionTransformer for 32×32 images: 8×8 patches, `depth` blocks of width `embed_dim`,
    2 heads, class token, head Linear(embed_dim, num_classes)."""
    return VisionTransformer(img_size=IMAGE_SIZE, patch_size=8, embed_dim=embed_dim, depth=depth, num_heads=2,
                             num_classes=num_classes)


def optimizer(model: nn.Module, kind: str, **settings) -> torch.optim.Optimizer:
    """torch.optim.SGD ("sgd") or AdamW ("adamw") over every parameter of `model`, frozen ones included."""
    classes = {"sgd": torch.optim.SGD, "adamw": torch.optim.AdamW}
    return classes[kind](model.parameters(), **settings)


class Probe:
    """Reads and sets per-parameter state of a model that graders cannot reach as plain data."""

    def __init__(self, model: nn.Module):
        self.model = model

    def requires_grad(self) -> dict[str, bool]:
        """requires_grad of every parameter, by name."""
        return {name: p.requires_grad for name, p in self.model.named_parameters()}

    def training(self) -> dict[str, bool]:
        """The training flag of every module, by name ("" is the model itself)."""
        return {name: m.training for name, m in self.model.named_modules()}

    def set_trainable(self, names: list[str]) -> None:
        """requires_grad = True exactly for the parameters named in `names`."""
        wanted = set(names)
        for name, p in self.model.named_parameters():
            p.requires_grad_(name in wanted)

    def fill_grads(self, seed: int) -> None:
        """Give every parameter (frozen ones too) a stale gradient drawn from N(0, 1) with `seed`."""
        generator = torch.Generator().manual_seed(seed)
        for p in self.model.parameters():
            p.grad = torch.randn(p.shape, generator=generator, dtype=torch.float64).to(p.device, p.dtype)

    def distinct_values(self, seed: int) -> None:
        """Overwrite every parameter with its own N(0, 1) draws from `seed`, so that no two are equal."""
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in self.model.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64))
