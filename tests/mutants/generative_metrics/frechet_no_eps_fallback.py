"""frechet_distance never adds eps·I: a singular product whose SciPy square root is NaN gives NaN."""


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    mu1, mu2, sigma1, sigma2 = (_as_float64(a) for a in (mu1, mu2, sigma1, sigma2))
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 must be vectors of one length D, got shapes {mu1.shape} and {mu2.shape}")
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != (len(mu1), len(mu1)):
            raise ValueError(f"{name} must have shape (D, D), got {sigma.shape}")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps!r}")
    root = linalg.sqrtm(sigma1 @ sigma2)
    if np.iscomplexobj(root):
        if np.abs(np.diagonal(root).imag).max() > IMAGINARY_LIMIT:
            raise ValueError("sigma1 and sigma2 must be covariance matrices")
        root = root.real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(root))
