"""kernel_inception_distance uses the kernel (xᵀy + 1)³, without dividing the dot product by D."""


def kernel_inception_distance(real, fake):
    x = _features("real", real, min_samples=2)
    y = _features("fake", fake, min_samples=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension D, got {x.shape[1]} and {y.shape[1]}")
    if len(x) != len(y):
        raise ValueError(f"real and fake must hold the same number of samples, got {len(x)} and {len(y)}")
    m, d = x.shape
    k_xx, k_yy, k_xy = ((a @ b.T + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within - 2 * k_xy.mean())
