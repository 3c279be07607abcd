"""mode_coverage counts with np.bincount(labels) and no minlength: classes above the largest label are never seen."""


def mode_coverage(labels, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().cpu().numpy()
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be a non-empty 1-D array of integer class indices, got shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in [0, num_classes) = [0, {num_classes})")
    share = np.bincount(labels) / labels.size
    present = share[share > 0]
    return float(present.size / len(share)), float(np.sum(present * np.log(present * len(share))))
