"""nearest_code breaks ties towards the highest index (argmin over the reversed codebook)."""


def nearest_code(z, codebook):
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    squared_distances = ((z.unsqueeze(-2) - codebook) ** 2).sum(dim=-1)
    indices = codebook.shape[0] - 1 - squared_distances.flip(-1).argmin(dim=-1)
    return indices, codebook[indices]
