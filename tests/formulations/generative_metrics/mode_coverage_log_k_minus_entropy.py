"""mode_coverage with torch: KL(h ‖ uniform) = log K − H(h), and the coverage as 1 − (missing classes) / K."""


def mode_coverage(labels, num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
    labels = torch.as_tensor(np.asarray(labels.cpu() if isinstance(labels, torch.Tensor) else labels))
    if labels.dim() != 1 or labels.numel() == 0 or labels.dtype.is_floating_point or labels.dtype == torch.bool:
        raise ValueError("labels must be a non-empty 1-D array of integer class indices")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise ValueError(f"labels must lie in [0, num_classes) = [0, {num_classes})")
    share = torch.bincount(labels.long(), minlength=num_classes).double() / labels.numel()
    present = share[share > 0]
    missing = num_classes - present.numel()
    entropy = -(present * present.log()).sum()
    return float(1 - missing / num_classes), float(np.log(num_classes) - entropy)
