"""kmeans_codebook re-seeds an empty cluster at the point farthest from its centroid (as scikit-learn does) instead of keeping it."""


def kmeans_codebook(x, init, iters):
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError(f"x must be (N, D) with N >= 1, got shape {tuple(x.shape)}")
    _check_vectors("x", x)
    _check_codebook("init", init, x)
    _check_int("iters", iters, 0)
    with torch.no_grad():
        centroids = init.clone()
        for _ in range(iters):
            labels, assigned = nearest_code(x, centroids)
            sums = torch.zeros_like(centroids).index_add_(0, labels, x)
            counts = torch.bincount(labels, minlength=centroids.shape[0]).to(x.dtype).unsqueeze(-1)
            farthest = x[((x - assigned) ** 2).sum(-1).argmax()]
            centroids = torch.where(counts > 0, sums / counts.clamp(min=1), farthest)
    return centroids
