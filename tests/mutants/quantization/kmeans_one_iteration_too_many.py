"""kmeans_codebook runs iters + 1 iterations (an off-by-one in the loop)."""


def kmeans_codebook(x, init, iters):
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be (N, D) with N >= 1, got shape {tuple(x.shape)}")
    _check_vectors("x", x)
    _check_codebook("init", init, x)
    _check_int("iters", iters, 0)
    with torch.no_grad():
        centroids = init.clone()
        for _ in range(iters + 1):
            labels, _ = nearest_code(x, centroids)
            sums = torch.zeros_like(centroids).index_add_(0, labels, x)
            counts = torch.bincount(labels, minlength=centroids.shape[0]).to(x.dtype).unsqueeze(-1)
            centroids = torch.where(counts > 0, sums / counts.clamp(min=1), centroids)
    return centroids
