"""torchvision-, timm- and scikit-learn-backed references for the transfer graders, computed on the CPU.

Models here are local twins of the models a grader built in the submission's process (the
same seeded `cvgrade.nets.transfer` factory and setup, so the same weights), run in float64
where the library allows.
"""

import numpy as np
import torch
from sklearn.neighbors import NearestCentroid
from timm.optim import param_groups_weight_decay
from timm.utils import accuracy
from torch import nn
from torchvision.transforms import v2

F64 = torch.float64


# -- preprocessing -------------------------------------------------------------

def preprocess(image: np.ndarray, size: int, crop: int, mean, std) -> torch.Tensor:
    """The contract's torchvision.transforms.v2 pipeline on a uint8 (H, W, 3) array, converted to float64
    instead of float32 (ToDtype's scaling and Normalize then round once, at the end, in the grader's comparison)."""
    pipeline = v2.Compose([v2.ToImage(), v2.Resize(size, antialias=True), v2.CenterCrop(crop),
                           v2.ToDtype(F64, scale=True), v2.Normalize(list(mean), list(std))])
    return pipeline(image)


def uint8_levels(normalised: torch.Tensor, mean, std) -> torch.Tensor:
    """Undo Normalize and the 1/255 scaling: the (3, H, W) image in uint8 levels 0-255, float64."""
    mean_t = torch.tensor(mean, dtype=F64, device=normalised.device)[:, None, None]
    std_t = torch.tensor(std, dtype=F64, device=normalised.device)[:, None, None]
    return (normalised.to(F64) * std_t + mean_t) * 255


# -- the model -----------------------------------------------------------------

def reset_classifier(vit: nn.Module, num_classes: int) -> nn.Module:
    """timm's VisionTransformer.reset_classifier (a new head on the model's device and dtype)."""
    vit.reset_classifier(num_classes)
    return vit


def replace_linear(model: nn.Module, path: str, num_classes: int) -> nn.Module:
    """The torchvision head replacement of the fine-tuning tutorials: the nn.Linear at `path`
    ("fc", "classifier.6") becomes nn.Linear(in_features, num_classes) on its device and dtype."""
    owner_path, _, key = path.rpartition(".")
    owner = model.get_submodule(owner_path)
    old = getattr(owner, key) if not key.isdigit() else owner[int(key)]
    new = nn.Linear(old.in_features, num_classes, device=old.weight.device, dtype=old.weight.dtype)
    if key.isdigit():
        owner[int(key)] = new
    else:
        setattr(owner, key, new)
    return model


def parameter_groups(model: nn.Module, head_prefixes: tuple[str, ...], base_lr: float, backbone_lr_scale: float,
                     weight_decay: float) -> list[dict]:
    """The contract's four groups as {"names", "lr", "weight_decay"}, empty ones omitted.

    Membership comes from timm's param_groups_weight_decay (trainable parameters only, no decay for
    ndim <= 1), asked with a non-zero decay so that it splits by ndim even when `weight_decay` is 0
    (timm merges everything into its no-decay group then); each timm group is then split into
    backbone and head by name, keeping timm's (named_parameters) order.
    """
    names = {id(p): name for name, p in model.named_parameters()}
    timm_groups = param_groups_weight_decay(model, weight_decay=1.0, no_weight_decay_list=())
    by_decay = {group["weight_decay"] > 0: [names[id(p)] for p in group["params"]] for group in timm_groups}
    groups = []
    for is_head, lr in ((False, base_lr * backbone_lr_scale), (True, base_lr)):
        for decay in (True, False):
            members = [n for n in by_decay.get(decay, []) if n.startswith(head_prefixes) == is_head]
            if members:
                groups.append({"names": members, "lr": lr, "weight_decay": weight_decay if decay else 0.0})
    return groups


def train_step(model: nn.Module, batch, optimizer: torch.optim.Optimizer, loss_fn) -> float:
    """The standard PyTorch fine-tuning step (the transfer-learning tutorial's training loop body)."""
    inputs, targets = batch
    model.train()
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()


# -- evaluation ----------------------------------------------------------------

def topk_accuracy(logits: torch.Tensor, targets: torch.Tensor, ks) -> dict[int, float]:
    """timm.utils.accuracy (percentages from torch.topk) as fractions count / N, for logits without ties."""
    n = targets.shape[0]
    percents = accuracy(logits.to(F64), targets, topk=tuple(ks))
    return {k: round(float(p) * n / 100) / n for k, p in zip(ks, percents)}


def topk_accuracy_ranked(logits: torch.Tensor, targets: torch.Tensor, ks) -> dict[int, float]:
    """The contract's tie rule, row by row: a row counts for k when fewer than k other logits are >= the target's."""
    scores, labels = logits.to(F64).cpu().numpy(), targets.cpu().numpy()
    rivals = np.array([np.sum(np.delete(row, t) >= row[t]) for row, t in zip(scores, labels)])
    return {k: int(np.sum(rivals < k)) / len(labels) for k in ks}


def nearest_centroid(train_features: torch.Tensor, train_labels: torch.Tensor, test_features: torch.Tensor):
    """sklearn NearestCentroid (Euclidean) fitted in float64; returns (labels int64, the relative gap between
    each test row's nearest and second-nearest centroid distance, inf with a single class)."""
    train, test = train_features.to(F64).cpu().numpy(), test_features.to(F64).cpu().numpy()
    model = NearestCentroid().fit(train, train_labels.cpu().numpy())
    labels = torch.from_numpy(model.predict(test).astype(np.int64))
    distances = np.sqrt(((test[:, None, :] - model.centroids_[None]) ** 2).sum(-1))
    if distances.shape[1] < 2:
        return labels, np.full(len(test), np.inf)
    nearest = np.sort(distances, axis=1)[:, :2]
    return labels, (nearest[:, 1] - nearest[:, 0]) / np.maximum(nearest[:, 1], 1e-300)
