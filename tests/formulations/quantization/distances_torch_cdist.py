"""Nearest codes from torch.cdist (Euclidean distances, not squared: the same order) on the flattened vectors; k-means and RVQ use it too."""


def nearest_code(z, codebook):
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    distances = torch.cdist(z.reshape(-1, z.shape[-1]), codebook)
    indices = distances.argmin(dim=-1).reshape(z.shape[:-1])
    return indices, codebook[indices]
