"""kernel_inception_distance is the general MMD² for m and n samples and never checks that the counts are equal."""


def kernel_inception_distance(real, fake):
    x = _features("real", real, min_samples=2)
    y = _features("fake", fake, min_samples=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension D, got {x.shape[1]} and {y.shape[1]}")
    (m, d), n = x.shape, len(y)
    k_xx, k_yy, k_xy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    within = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1)) + (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(within - 2 * k_xy.mean())
