"""VQ through matrix products, as most VQ code writes it: squared distances expanded as |z|² − 2 z·c + |c|²
(one matrix product) instead of direct differences, k-means means through a one-hot assignment matrix
(onehotᵀ x / counts) instead of index_add, and residual VQ codes as z − r_S (what is left, subtracted from the
input) instead of the sum of the stage codes."""


def nearest_code(z, codebook):
    _check_vectors("z", z)
    _check_codebook("codebook", codebook, z)
    squared_distances = (z ** 2).sum(-1, keepdim=True) - 2 * z @ codebook.T + (codebook ** 2).sum(-1)
    indices = squared_distances.argmin(dim=-1)
    return indices, codebook[indices]


def kmeans_codebook(x, init, iters):
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be (N, D) with N >= 1, got shape {tuple(x.shape)}")
    _check_vectors("x", x)
    _check_codebook("init", init, x)
    _check_int("iters", iters, 0)
    centroids = init.detach().clone()
    for _ in range(iters):
        onehot = torch.nn.functional.one_hot(nearest_code(x, centroids)[0], centroids.shape[0]).to(x.dtype)
        counts = onehot.sum(0).unsqueeze(-1)
        centroids = torch.where(counts > 0, onehot.T @ x / counts.clamp(min=1), centroids)
    return centroids


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
    return z - residual, torch.stack(indices, dim=-1)
