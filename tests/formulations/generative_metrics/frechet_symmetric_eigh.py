"""frechet_distance through the symmetric form Tr (Σ1^½ Σ2 Σ1^½)^½ with two eigh calls (real eigenvalues, no sqrtm)."""


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    mu1, mu2, sigma1, sigma2 = (_as_float64(a) for a in (mu1, mu2, sigma1, sigma2))
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 must be vectors of one length D, got shapes {mu1.shape} and {mu2.shape}")
    d = len(mu1)
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != (d, d):
            raise ValueError(f"{name} must have shape (D, D) = {(d, d)}, got {sigma.shape}")
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps!r}")
    values, vectors = np.linalg.eigh(sigma1)
    root1 = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    roots = np.sqrt(np.linalg.eigvalsh(root1 @ sigma2 @ root1).astype(np.complex128))
    if np.abs(roots.imag).max() > IMAGINARY_LIMIT:
        raise ValueError("sigma1 and sigma2 must be covariance matrices: Σ1^½ Σ2 Σ1^½ has negative eigenvalues")
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * roots.real.sum())
