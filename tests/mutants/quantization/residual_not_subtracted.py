"""residual_quantize never subtracts the picked codes: every stage quantises z itself."""


def residual_quantize(z, codebooks):
    _check_vectors("z", z)
    stages = _as_codebook_list(codebooks)
    if not stages:
        raise ValueError("codebooks must hold at least one codebook, got none")
    for i, codebook in enumerate(stages):
        _check_codebook(f"codebooks[{i}]", codebook, z)
    codes, indices = torch.zeros_like(z), []
    for codebook in stages:
        index, q = nearest_code(z, codebook)
        codes = codes + q
        indices.append(index)
    return codes, torch.stack(indices, dim=-1)
