"""feature_statistics from running sums, as torchmetrics accumulates them: Σ = (Σ_n x_n x_nᵀ − N μμᵀ) / (N − 1)."""


def feature_statistics(features):
    x = _features("features", features, min_samples=2)
    n = len(x)
    mu = x.sum(axis=0) / n
    return mu, (x.T @ x - n * np.outer(mu, mu)) / (n - 1)
