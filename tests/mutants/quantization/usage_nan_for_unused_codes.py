"""codebook_usage computes p·log p over every code, so an unused code gives 0·log 0 = NaN instead of 0."""


def codebook_usage(indices, codebook_size):
    _check_int("codebook_size", codebook_size, 1)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool or indices.numel() == 0:
        raise ValueError(f"indices must be a non-empty integer tensor, got dtype {indices.dtype}")
    if int(indices.min()) < 0 or int(indices.max()) >= codebook_size:
        raise ValueError(f"indices must lie in [0, codebook_size) = [0, {codebook_size})")
    counts = torch.bincount(indices.flatten().long(), minlength=codebook_size).double()
    p = counts / counts.sum()
    return float((counts > 0).double().mean()), float((-(p * p.log()).sum()).exp())
