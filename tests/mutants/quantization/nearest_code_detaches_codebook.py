"""nearest_code returns codebook[indices].detach(), so no loss can ever train the codebook."""


def nearest_code(z, codebook):
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    indices = ((z.unsqueeze(-2) - codebook) ** 2).sum(dim=-1).argmin(dim=-1)
    return indices, codebook[indices].detach()
