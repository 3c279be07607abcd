"""Public tests for transfer.py: small examples you can check by hand. Run with `pytest tests/test_transfer.py`.

The models here are tiny stand-ins with the layouts replace_classifier knows: `fc` (a torchvision
ResNet), `classifier[-1]` (a torchvision VGG / AlexNet / MobileNet) and `head` (a timm ViT).
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

import transfer

MEAN, STD = transfer.IMAGENET_MEAN, transfer.IMAGENET_STD


def normalised(levels, channel):
    """What one uint8 level becomes after scaling to [0, 1] and normalising with ImageNet's statistics."""
    return (levels / 255 - MEAN[channel]) / STD[channel]


class ResNetLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.layer1 = nn.Sequential(nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4))
        self.fc = nn.Linear(4, 10)

    def forward(self, x):
        x = self.layer1(torch.relu(self.bn1(self.conv1(x))))
        return self.fc(x.mean(dim=(2, 3)))


class VGGLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Conv2d(3, 4, 3, padding=1)
        self.classifier = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(), nn.Linear(8, 10))

    def forward(self, x):
        return self.classifier(self.features(x).mean(dim=(2, 3)))


class ViTLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch_embed = nn.Conv2d(3, 6, 4, stride=4)
        self.norm = nn.LayerNorm(6)
        self.head = nn.Linear(6, 10)

    def forward(self, x):
        return self.head(self.norm(self.patch_embed(x).flatten(2).mean(dim=2)))


# -- imagenet_preprocess ---------------------------------------------------------------

def test_preprocess_keeps_a_constant_colour():
    image = np.empty((60, 90, 3), dtype=np.uint8)
    image[...] = (255, 0, 128)
    out = transfer.imagenet_preprocess(image, size=32, crop=24)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32, "the result is a float32 tensor"
    assert out.shape == (3, 24, 24), f"expected (3, crop, crop) = (3, 24, 24), got {tuple(out.shape)}"
    for channel, level in enumerate((255, 0, 128)):
        want = normalised(level, channel)
        assert torch.allclose(out[channel], torch.tensor(want, dtype=torch.float32), atol=1e-5), \
            f"channel {channel}: a constant level {level} should become ({level}/255 - mean)/std = {want:.4f}, " \
            f"got values in [{out[channel].min():.4f}, {out[channel].max():.4f}]"


def test_preprocess_crop_offsets_round_like_python():
    # the shorter side is already 10 and int(10 · 13 / 10) = 13: no resizing, only the crop, whose
    # offsets are round((10 - 8) / 2) = 1 and round((13 - 8) / 2) = round(2.5) = 2 (Python rounds half to even)
    image = np.random.default_rng(0).integers(0, 256, (10, 13, 3), dtype=np.uint8)
    out = transfer.imagenet_preprocess(torch.from_numpy(image), size=10, crop=8)
    want = torch.stack([normalised(torch.from_numpy(image[1:9, 2:10, c]).double(), c) for c in range(3)]).float()
    assert torch.allclose(out, want, atol=1e-5), "expected image[1:9, 2:10] (top = round(1.0), left = round(2.5) = 2)"


def test_preprocess_antialiases_when_shrinking():
    # a 40 x 40 image, black on the left, level 200 on the right, halved to 20 x 20: the triangle filter is
    # 2 input pixels wide on each side, so output column 9 averages input columns 17-20 with weights
    # 1/8, 3/8, 3/8, 1/8 and sees 200 only in column 20: level 25; column 10 gets 175 (plain bilinear: 0 and 200)
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    image[:, 20:] = 200
    out = transfer.imagenet_preprocess(image, size=20, crop=20)
    levels = (out[0, 0] * STD[0] + MEAN[0]) * 255
    for column, want in ((8, 0), (9, 25), (10, 175), (11, 200)):
        assert abs(levels[column] - want) <= 1.01, f"column {column} should be level {want} (±1), got {levels[column]:.1f}"


def test_preprocess_rejects_float_images_and_crop_larger_than_size():
    with pytest.raises(ValueError, match="image"):
        transfer.imagenet_preprocess(np.zeros((20, 20, 3), dtype=np.float32), size=16, crop=8)
    with pytest.raises(ValueError, match="crop"):
        transfer.imagenet_preprocess(np.zeros((20, 20, 3), dtype=np.uint8), size=16, crop=17)


# -- replace_classifier ------------------------------------------------------------------

@pytest.mark.parametrize("model_class,head", [(ResNetLike, "fc"), (VGGLike, "classifier.3"), (ViTLike, "head")])
def test_replace_classifier_swaps_the_final_linear(model_class, head):
    model = model_class().double()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    returned = transfer.replace_classifier(model, 3)
    assert returned is model, "replace_classifier should return the model it changed"
    new = model.get_submodule(head)
    assert isinstance(new, nn.Linear) and (new.in_features, new.out_features) == (before[f"{head}.weight"].shape[1], 3), \
        f"{head} should be nn.Linear({before[f'{head}.weight'].shape[1]}, 3), got {new}"
    assert new.weight.dtype == torch.float64, f"the new head should have the model's dtype float64, got {new.weight.dtype}"
    for key, value in before.items():
        if not key.startswith(head + "."):
            assert torch.equal(model.state_dict()[key], value), f"{key} changed, only the head may"
    logits = model.eval()(torch.zeros(2, 3, 8, 8, dtype=torch.float64))
    assert logits.shape == (2, 3), f"the model should now output 3 logits per image, got shape {tuple(logits.shape)}"


def test_replace_classifier_rejects_unknown_models():
    with pytest.raises(ValueError, match="model"):
        transfer.replace_classifier(nn.Sequential(nn.Linear(4, 3)), 2)


# -- freeze ------------------------------------------------------------------------------

def test_freeze_counts_and_prefixes():
    model = ResNetLike()
    trainable, frozen = transfer.freeze(model, ["fc"])
    assert (trainable, frozen) == (4 * 10 + 10, 108 + 8 + 144 + 8), \
        f"fc has 50 elements, the rest 268: expected (50, 268), got {(trainable, frozen)}"
    assert not model.bn1.weight.requires_grad and model.fc.bias.requires_grad, \
        "freeze(model, ['fc']) should freeze bn1.weight and leave fc.bias trainable"
    transfer.freeze(model, ["bn1"])
    flags = {name: p.requires_grad for name, p in model.named_parameters()}
    assert flags == {name: name.startswith("bn1") for name in flags}, \
        f"only bn1.weight and bn1.bias should be trainable (str.startswith), got {flags}"
    assert model.training, "freeze must not switch the model to eval mode"


# -- parameter_groups --------------------------------------------------------------------

def test_parameter_groups_order_lrs_and_decay():
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))  # names 0.*, 1.*, 2.*
    groups = transfer.parameter_groups(model, ["2"], base_lr=1e-3, backbone_lr_scale=0.1, weight_decay=0.05)
    expected = [([model[0].weight], 1e-4, 0.05), ([model[0].bias, model[1].weight, model[1].bias], 1e-4, 0.0),
                ([model[2].weight], 1e-3, 0.05), ([model[2].bias], 1e-3, 0.0)]
    assert len(groups) == 4, f"expected 4 groups (backbone decay, backbone no decay, head decay, head no decay), got {len(groups)}"
    for i, (group, (params, lr, decay)) in enumerate(zip(groups, expected)):
        assert [id(p) for p in group["params"]] == [id(p) for p in params], f"group {i} holds the wrong parameters"
        assert math.isclose(group["lr"], lr) and group["weight_decay"] == decay, \
            f"group {i}: expected lr {lr} and weight_decay {decay}, got {group['lr']} and {group['weight_decay']}"
    model[0].requires_grad_(False)
    assert len(transfer.parameter_groups(model, ["2"], base_lr=1e-3)) == 3, \
        "with layer 0 frozen, only 1.weight and 1.bias are left in the backbone: the empty decay group is omitted"


# -- train_step --------------------------------------------------------------------------

class PlainSGD:
    """The two methods train_step needs of an optimizer, written out (torch.optim's first use costs seconds):
    zero_grad(set_to_none=True), and step(): p <- p - lr * (grad + weight_decay * p) for each p with a gradient."""

    def __init__(self, params, lr, weight_decay):
        self.params, self.lr, self.weight_decay = list(params), lr, weight_decay

    def zero_grad(self, set_to_none=True):
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is not None:
                p -= self.lr * (p.grad + self.weight_decay * p)


def test_train_step_leaves_frozen_parameters_alone():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3)).eval()
    model[0].requires_grad_(False)
    model[0].weight.grad = torch.ones_like(model[0].weight)  # a stale gradient from before it was frozen
    frozen = model[0].weight.clone()
    optimizer = PlainSGD(model.parameters(), lr=0.1, weight_decay=0.1)
    inputs, targets = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    with torch.no_grad():
        expected_loss = nn.functional.cross_entropy(model.train()(inputs), targets).item()
    model.eval()
    loss = transfer.train_step(model, (inputs, targets), optimizer, nn.CrossEntropyLoss())
    assert isinstance(loss, float), f"train_step should return a Python float, got {type(loss).__name__}"
    assert math.isclose(loss, expected_loss, rel_tol=1e-5), f"expected the train-mode loss {expected_loss}, got {loss}"
    assert model.training, "train_step should leave the model in train mode"
    assert torch.equal(model[0].weight, frozen), \
        "the frozen layer changed: optimizer.zero_grad() must clear its stale gradient (set it to None)"
    assert model[1].weight.grad is not None, "the trainable parameters should have fresh gradients"


# -- evaluation --------------------------------------------------------------------------

def test_topk_accuracy_by_hand():
    logits = torch.tensor([[0.1, 0.5, 0.4], [0.3, 0.2, 0.5], [1.0, 1.0, 1.0]])
    targets = torch.tensor([2, 0, 1])
    # ranks of the targets: 2nd, 2nd, and 3rd in the tied row (ties count against the target)
    got = transfer.topk_accuracy(logits, targets, ks=(1, 2, 3))
    assert got == {1: 0.0, 2: 2 / 3, 3: 1.0}, f"expected {{1: 0.0, 2: 0.667, 3: 1.0}}, got {got}"


def test_nearest_centroid_by_hand():
    train = torch.tensor([[0.0], [2.0], [10.0], [12.0]])
    labels = torch.tensor([7, 7, 3, 3])  # centroids: label 7 at 1, label 3 at 11
    test = torch.tensor([[-5.0], [5.0], [6.0], [20.0]])  # 6 is equally far from both: the smaller label, 3
    got = transfer.nearest_centroid_predict(train, labels, test)
    assert got.tolist() == [7, 7, 3, 3], f"expected labels [7, 7, 3, 3], got {got.tolist()}"
