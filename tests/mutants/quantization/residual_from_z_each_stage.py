"""residual_quantize computes each residual from z (r_i = z - q_i) instead of from the previous residual."""


def residual_quantize(z, codebooks):
    _check_vectors("z", z)
    stages = _as_codebook_list(codebooks)
    if not stages:
        raise ValueError("codebooks must hold at least one codebook, got none")
    for i, codebook in enumerate(stages):
        _check_codebook(f"codebooks[{i}]", codebook, z)
    residual, codes, indices = z, torch.zeros_like(z), []
    for codebook in stages:
        index, q = nearest_code(residual, codebook)
        residual = z - q
        codes = codes + q
        indices.append(index)
    return codes, torch.stack(indices, dim=-1)
