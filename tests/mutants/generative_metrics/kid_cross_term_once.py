"""kernel_inception_distance subtracts the cross-set kernel mean once instead of twice."""


def kernel_inception_distance(real, fake):
    x = _features("real", real, min_samples=2)
    y = _features("fake", fake, min_samples=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension D, got {x.shape[1]} and {y.shape[1]}")
    if len(x) != len(y):
        raise ValueError(f"real and fake must hold the same number of samples, got {len(x)} and {len(y)}")
    m, d = x.shape
    k_xx, k_yy, k_xy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (m * (m - 1))
    return float(within - k_xy.mean())
