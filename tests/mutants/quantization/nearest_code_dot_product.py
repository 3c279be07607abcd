"""nearest_code picks the code with the largest dot product z·c instead of the smallest distance (ignores |c|²)."""


def nearest_code(z, codebook):
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    indices = (z @ codebook.T).argmax(dim=-1)
    return indices, codebook[indices]
