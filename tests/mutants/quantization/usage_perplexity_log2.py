"""codebook_usage measures the entropy in bits (log2) but still exponentiates with e."""


def codebook_usage(indices, codebook_size):
    _check_int("codebook_size", codebook_size, 1)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool or indices.numel() == 0:
        raise ValueError(f"indices must be a non-empty integer tensor, got dtype {indices.dtype}")
    if int(indices.min()) < 0 or int(indices.max()) >= codebook_size:
        raise ValueError(f"indices must lie in [0, codebook_size) = [0, {codebook_size})")
    counts = torch.bincount(indices.flatten().long(), minlength=codebook_size).double()
    p = counts[counts > 0] / counts.sum()
    return p.numel() / codebook_size, float((-(p * p.log2()).sum()).exp())
