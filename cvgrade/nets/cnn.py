"""Trusted models and a model audit that the cnn graders build inside the submission's process.

`resnet18` and `small_cnn` are randomly initialised from an explicit seed (without
touching the global RNG), so the grading process builds the same weights for its
reference. `ModelAudit` reads, from the submission's side, what `feature_maps` must
leave as it found it: the hooks on a model and its `training` flags.
"""

import functools

import torch
import torchvision
from torch import nn
from torch.nn.modules import module as module_globals


def _meta_resnet18(num_classes: int) -> nn.Module:
    with torch.device("meta"):
        return torchvision.models.resnet18(weights=None, num_classes=num_classes)


@functools.lru_cache(maxsize=4)
def _resnet18_state(seed: int, num_classes: int, dtype: torch.dtype) -> dict:
    """ResNet-18's weights drawn from `seed` as torchvision initialises them (kaiming-normal convolutions,
    BatchNorm weight 1 and bias 0, nn.Linear's default), without first drawing the layers' own defaults."""
    model = _meta_resnet18(num_classes).to_empty(device="cpu").to(dtype)
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(seed)
        for module in model.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(module, nn.BatchNorm2d):
                module.reset_parameters()
            elif isinstance(module, nn.Linear):
                module.reset_parameters()
    return model.state_dict()


def resnet18(seed: int = 0, num_classes: int = 10, dtype: torch.dtype = torch.float32) -> nn.Module:
    """torchvision's ResNet-18 (weights=None) in train mode on the CPU, its weights drawn from `seed`.

    The initial weights of a seed are drawn once per process and copied into each new
    model (drawing 11 M weights takes a fifth of a second; copying them, milliseconds).
    """
    model = _meta_resnet18(num_classes)
    state = _resnet18_state(seed, num_classes, dtype)
    model.load_state_dict({k: v.clone() for k, v in state.items()}, assign=True)
    return model


class SmallCNN(nn.Sequential):
    """conv1 (3×3) → bn1 → relu1 → pool (2×2 max) → block (conv 3×3, bn, relu) → gap → flatten → fc."""

    def __init__(self, channels: int = 3, width: int = 6, classes: int = 5):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.block = nn.Sequential(nn.Conv2d(width, 2 * width, 3, padding=1), nn.BatchNorm2d(2 * width), nn.ReLU())
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(2 * width, classes)


def small_cnn(seed: int = 0, channels: int = 3, width: int = 6, classes: int = 5,
              eval_modules: tuple[str, ...] = ()) -> SmallCNN:
    """A `SmallCNN` in train mode but for the submodules named in `eval_modules` (a frozen BatchNorm,
    say), its weights and BatchNorm statistics drawn from `seed`."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = SmallCNN(channels, width, classes)
        for bn in (model.bn1, model.block[1]):
            bn.running_mean.normal_(0.0, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
            bn.weight.data.uniform_(0.5, 1.5)
            bn.bias.data.normal_(0.0, 0.3)
    for name in eval_modules:
        model.get_submodule(name).eval()
    return model


class ModelAudit:
    """What a grader reads from a model in the submission's process (through a Handle's methods)."""

    def __init__(self, model: nn.Module):
        self.model = model

    def hooks_left(self) -> int:
        """Forward and backward hooks on the model and every submodule, plus global module hooks."""
        per_module = sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks)
                         + len(m._backward_pre_hooks) for m in self.model.modules())
        global_hooks = (len(module_globals._global_forward_hooks) + len(module_globals._global_forward_pre_hooks)
                        + len(module_globals._global_backward_hooks) + len(module_globals._global_backward_pre_hooks))
        return per_module + global_hooks

    def training_flags(self) -> dict[str, bool]:
        """`training` of the model ("") and of every submodule, by name."""
        return {name: m.training for name, m in self.model.named_modules()}
