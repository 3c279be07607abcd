"""Transfer learning (spec §10): ImageNet preprocessing, a new classifier head, freezing, parameter
groups with a smaller backbone learning rate, one fine-tuning step, top-k accuracy and a
nearest-centroid probe on frozen features.

Torch functions work on the device of their inputs and never move data to another device.
Bad input raises ValueError naming the parameter.
"""

import numpy as np
import torch
from torch import nn

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


# -- input checks (shared by the functions below) ------------------------------

def _check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value!r}")


def _check_number(name: str, value, positive: bool) -> None:
    """value must be an int or float that is > 0 (positive) or >= 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (value > 0 if positive else value >= 0):
        raise ValueError(f"{name} must be a number {'>' if positive else '>='} 0, got {value!r}")


def _check_channels(name: str, values, positive: bool = False) -> tuple[float, float, float]:
    try:
        numbers = tuple(float(v) for v in values)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be 3 numbers, one per RGB channel, got {values!r}") from None
    if len(numbers) != 3:
        raise ValueError(f"{name} must be 3 numbers, one per RGB channel, got {len(numbers)}")
    if positive and not all(v > 0 for v in numbers):
        raise ValueError(f"{name} must be > 0 in every channel, got {numbers}")
    return numbers


def _check_prefixes(name: str, prefixes) -> tuple[str, ...]:
    """The prefixes as a tuple for str.startswith; a single str is one prefix."""
    if isinstance(prefixes, str):
        return (prefixes,)
    if not isinstance(prefixes, (list, tuple)) or not all(isinstance(p, str) for p in prefixes):
        raise ValueError(f"{name} must be a str or a list/tuple of str, got {prefixes!r}")
    return tuple(prefixes)


# -- preprocessing -------------------------------------------------------------

def imagenet_preprocess(image, size: int = 256, crop: int = 224, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> torch.Tensor:
    """uint8 (H, W, 3) RGB image (np.ndarray or tensor) -> float32 (3, crop, crop) network input.

    1. Resize so the shorter side is `size` and the longer int(size · long / short), with an
       antialiased bilinear filter, rounded back to uint8 levels. Along each axis (n_in pixels
       to n_out, scale s = n_in / n_out) output pixel i is centred at c_i = (i + ½)·s in input
       coordinates and averages the input pixels j with weights ∝ max(0, 1 − |j + ½ − c_i| / max(s, 1)),
       normalised to sum 1: a triangle as wide as the downscale factor, at least one pixel.
    2. Centre crop crop × crop: top = round((H' − crop) / 2), left = round((W' − crop) / 2) with
       Python's round (halves go to the even integer), as torchvision crops.
    3. Scale to [0, 1] (divide by 255), then normalise each channel: (x − mean) / std.
    Equals torchvision.transforms.v2 Resize(size, antialias=True), CenterCrop(crop),
    ToDtype(float32, scale=True), Normalize(mean, std) within one uint8 level per value,
    1/(255·std); do not call torchvision.transforms. The result is on the image's device
    (the CPU for an array). A non-uint8 image or one not shaped (H, W, 3), size < 1,
    crop < 1 or crop > size, mean or std not 3 numbers, or std <= 0: ValueError.
    """
    ### BEGIN SOLUTION
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(np.ascontiguousarray(image))
    if not isinstance(image, torch.Tensor):
        raise ValueError(f"image must be a uint8 np.ndarray or torch.Tensor, got {type(image).__name__}")
    if image.dtype != torch.uint8 or image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise ValueError(f"image must be a non-empty uint8 (H, W, 3) image, got dtype {image.dtype} "
                         f"and shape {tuple(image.shape)}")
    _check_positive_int("size", size)
    _check_positive_int("crop", crop)
    if crop > size:
        raise ValueError(f"crop must be <= size = {size}, got {crop}")
    mean = torch.tensor(_check_channels("mean", mean), dtype=torch.float64, device=image.device)[:, None, None]
    std = torch.tensor(_check_channels("std", std, positive=True), dtype=torch.float64, device=image.device)[:, None, None]

    def resize_weights(n_in: int, n_out: int) -> torch.Tensor:
        """(n_out, n_in) float64 weights of the antialiased bilinear resize along one axis."""
        scale = n_in / n_out
        centres = (torch.arange(n_out, dtype=torch.float64, device=image.device) + 0.5) * scale
        pixels = torch.arange(n_in, dtype=torch.float64, device=image.device) + 0.5
        weights = (1 - (pixels[None, :] - centres[:, None]).abs() / max(scale, 1.0)).clamp(min=0)
        return weights / weights.sum(dim=1, keepdim=True)

    height, width = image.shape[:2]
    if height <= width:
        new_height, new_width = size, int(size * width / height)
    else:
        new_height, new_width = int(size * height / width), size
    levels = image.permute(2, 0, 1).to(torch.float64)
    resized = (resize_weights(height, new_height) @ levels @ resize_weights(width, new_width).T).round().clamp(0, 255)
    top, left = round((new_height - crop) / 2), round((new_width - crop) / 2)
    cropped = resized[:, top:top + crop, left:left + crop]
    return ((cropped / 255 - mean) / std).to(torch.float32)
    ### END SOLUTION


# -- the model -----------------------------------------------------------------

def replace_classifier(model: nn.Module, num_classes: int) -> nn.Module:
    """Replace the model's final nn.Linear by a fresh nn.Linear(in_features, num_classes); return the model.

    The final layer is `model.fc` (torchvision ResNet), else `model.classifier[-1]` when
    `model.classifier` is an nn.Sequential (torchvision VGG, AlexNet, MobileNet), else
    `model.head` (timm ViT), checked in this order. The new layer has a bias, keeps the old
    layer's in_features, device and dtype, is trainable (also in a frozen model), and starts
    from nn.Linear's default initialisation; every other module, parameter (requires_grad
    included) and buffer is left as it was. The model is changed in place and returned. A model
    with none of these layers, or whose layer there is not an nn.Linear: ValueError naming
    model. num_classes < 1: ValueError.
    """
    ### BEGIN SOLUTION
    _check_positive_int("num_classes", num_classes)
    if hasattr(model, "fc"):
        owner, key = model, "fc"
    elif isinstance(getattr(model, "classifier", None), nn.Sequential) and len(model.classifier):
        owner, key = model.classifier, str(len(model.classifier) - 1)  # a Sequential names its layers "0", "1", ...
    elif hasattr(model, "head"):
        owner, key = model, "head"
    else:
        raise ValueError(f"model must be a torchvision ResNet (fc), VGG / AlexNet / MobileNet (classifier[-1]) "
                         f"or a timm ViT (head), got a {type(model).__name__}")
    old = getattr(owner, key)
    if not isinstance(old, nn.Linear):
        raise ValueError(f"model's classifier {key} must be an nn.Linear, got {type(old).__name__}")
    setattr(owner, key, nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype))
    return model
    ### END SOLUTION


def freeze(model: nn.Module, trainable_prefixes) -> tuple[int, int]:
    """Make trainable exactly the parameters whose name starts with one of `trainable_prefixes`.

    Names are those of model.named_parameters() ("layer4.0.bn1.weight", "head.bias"); a
    prefix matches with str.startswith, so "bn1" matches "bn1.weight" but not
    "layer1.0.bn1.weight". Sets requires_grad = True for those and False for every other
    parameter, whatever it was before; no train/eval mode changes. Returns
    (trainable, frozen) numbers of parameter elements. `trainable_prefixes`: a list or tuple
    of str (a single str is one prefix; empty freezes everything), else ValueError.
    """
    ### BEGIN SOLUTION
    prefixes = _check_prefixes("trainable_prefixes", trainable_prefixes)
    trainable = frozen = 0
    for name, param in model.named_parameters():
        keep = name.startswith(prefixes)
        param.requires_grad_(keep)
        if keep:
            trainable += param.numel()
        else:
            frozen += param.numel()
    return trainable, frozen
    ### END SOLUTION


def parameter_groups(model: nn.Module, head_prefixes, base_lr: float, backbone_lr_scale: float = 0.1,
                     weight_decay: float = 0.05) -> list[dict]:
    """Optimizer parameter groups for fine-tuning: a smaller backbone learning rate, no decay on 1-D parameters.

    Only parameters with requires_grad. A parameter is in the head when its name starts with
    one of `head_prefixes` (str.startswith, as in freeze; a str is one prefix), else in the
    backbone; it gets no weight decay when its ndim <= 1 (biases, norm weights), as timm's
    param_groups_weight_decay. Groups, in this order, empty ones omitted (also when
    weight_decay is 0, the split is by ndim alone):
      backbone ndim > 1:  {"params": [...], "lr": base_lr · backbone_lr_scale, "weight_decay": weight_decay}
      backbone ndim <= 1: {"params": [...], "lr": base_lr · backbone_lr_scale, "weight_decay": 0.0}
      head ndim > 1:      {"params": [...], "lr": base_lr, "weight_decay": weight_decay}
      head ndim <= 1:     {"params": [...], "lr": base_lr, "weight_decay": 0.0}
    Each "params" lists the model's own nn.Parameter objects in model.named_parameters() order.
    base_lr <= 0, backbone_lr_scale < 0 or weight_decay < 0: ValueError.
    """
    ### BEGIN SOLUTION
    prefixes = _check_prefixes("head_prefixes", head_prefixes)
    _check_number("base_lr", base_lr, positive=True)
    _check_number("backbone_lr_scale", backbone_lr_scale, positive=False)
    _check_number("weight_decay", weight_decay, positive=False)
    buckets = {(part, decay): [] for part in ("backbone", "head") for decay in (True, False)}
    for name, param in model.named_parameters():
        if param.requires_grad:
            part = "head" if name.startswith(prefixes) else "backbone"
            buckets[part, param.ndim > 1].append(param)
    lrs = {"backbone": base_lr * backbone_lr_scale, "head": base_lr}
    return [{"params": params, "lr": lrs[part], "weight_decay": weight_decay if decay else 0.0}
            for (part, decay), params in buckets.items() if params]
    ### END SOLUTION


def train_step(model: nn.Module, batch, optimizer: torch.optim.Optimizer, loss_fn) -> float:
    """One fine-tuning step on `batch` = (inputs, targets); returns the loss as a Python float.

    model.train() (BatchNorm uses and updates batch statistics, dropout is on), then
    optimizer.zero_grad() (gradients set to None, so a frozen parameter that still holds a
    stale gradient is skipped by the optimizer and does not change), loss =
    loss_fn(model(inputs), targets), loss.backward(), optimizer.step(). The model is left
    in train mode. `batch` not a pair: ValueError.
    """
    ### BEGIN SOLUTION
    if not isinstance(batch, (list, tuple)) or len(batch) != 2:
        raise ValueError(f"batch must be a pair (inputs, targets), got {type(batch).__name__}")
    inputs, targets = batch
    model.train()
    optimizer.zero_grad(set_to_none=True)
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()
    ### END SOLUTION


# -- evaluation ----------------------------------------------------------------

def topk_accuracy(logits: torch.Tensor, targets: torch.Tensor, ks=(1, 5)) -> dict[int, float]:
    """{k: fraction of rows whose target is among the k largest logits} for each k in `ks`.

    `logits` (N, C) floating with N >= 1, `targets` (N,) integer class indices in [0, C).
    A row counts for k when fewer than k other classes have a logit >= the target's: ties
    count against the target, so constant logits score 0 for every k < C; k >= C gives 1.0.
    Keys in the order of `ks`, values Python floats (count / N). Bad shapes, targets out of
    range, or a k that is not an int >= 1: ValueError.
    """
    ### BEGIN SOLUTION
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 1 or not logits.is_floating_point():
        raise ValueError(f"logits must be a floating (N, C) tensor with N, C >= 1, got shape "
                         f"{tuple(logits.shape)} and dtype {logits.dtype}")
    n, classes = logits.shape
    if targets.shape != (n,) or targets.is_floating_point() or targets.dtype == torch.bool:
        raise ValueError(f"targets must be an integer ({n},) tensor, got shape {tuple(targets.shape)} "
                         f"and dtype {targets.dtype}")
    if int(targets.min()) < 0 or int(targets.max()) >= classes:
        raise ValueError(f"targets must lie in [0, {classes - 1}], got values in "
                         f"[{int(targets.min())}, {int(targets.max())}]")
    for k in ks:
        _check_positive_int("each k in ks", k)
    target_logits = logits.gather(1, targets.long()[:, None])
    rivals = (logits >= target_logits).sum(dim=1) - 1  # other classes at least as large as the target
    return {k: int((rivals < k).sum()) / n for k in ks}
    ### END SOLUTION


def nearest_centroid_predict(train_features: torch.Tensor, train_labels: torch.Tensor,
                             test_features: torch.Tensor) -> torch.Tensor:
    """Label of the nearest class mean for each test row: a classifier on frozen features.

    Centroid of class c = mean of the train rows labelled c; each test row gets the label
    whose centroid is nearest in Euclidean distance, ties to the smallest label (as
    sklearn.neighbors.NearestCentroid). `train_features` (N, D), `train_labels` (N,) integer
    labels (any values, e.g. 3, 7, 9), `test_features` (M, D). Returns (M,) labels with
    train_labels' dtype on its device. Shapes that do not fit: ValueError.
    """
    ### BEGIN SOLUTION
    if train_features.ndim != 2 or train_features.shape[0] < 1:
        raise ValueError(f"train_features must be (N, D) with N >= 1, got shape {tuple(train_features.shape)}")
    n, dim = train_features.shape
    if train_labels.shape != (n,) or train_labels.is_floating_point():
        raise ValueError(f"train_labels must be an integer ({n},) tensor, got shape {tuple(train_labels.shape)} "
                         f"and dtype {train_labels.dtype}")
    if test_features.ndim != 2 or test_features.shape[1] != dim:
        raise ValueError(f"test_features must be (M, {dim}), got shape {tuple(test_features.shape)}")
    classes = torch.unique(train_labels)  # sorted, so argmin's first minimum is the smallest label
    members = (train_labels[:, None] == classes[None, :]).to(train_features.dtype)
    centroids = members.T @ train_features / members.sum(dim=0)[:, None]
    distances = ((test_features[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=-1)
    return classes[distances.argmin(dim=1)]
    ### END SOLUTION
