"""residual_quantize returns only the last stage's codes instead of their sum, and indices stage-first (S, ...)."""


def residual_quantize(z, codebooks):
    _check_vectors("z", z)
    stages = _as_codebook_list(codebooks)
    if not stages:
        raise ValueError("codebooks must hold at least one codebook, got none")
    for i, codebook in enumerate(stages):
        _check_codebook(f"codebooks[{i}]", codebook, z)
    residual, indices = z, []
    for codebook in stages:
        index, q = nearest_code(residual, codebook)
        residual = residual - q
        indices.append(index)
    return q, torch.stack(indices)
