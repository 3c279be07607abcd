"""drop_labels drops where rand <= p: a draw exactly equal to p is dropped."""


def drop_labels(labels: torch.Tensor, p: float, null_label: int,
                generator: torch.Generator | None = None) -> torch.Tensor:
    if type(labels) is not torch.Tensor or labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise ValueError(f"labels must be an integer tensor, got {labels!r}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if isinstance(null_label, bool) or not isinstance(null_label, int):
        raise ValueError(f"null_label must be an int, got {null_label!r}")
    drop = torch.rand(labels.shape, generator=generator) <= p
    return torch.where(drop.to(labels.device), torch.full_like(labels, null_label), labels)
