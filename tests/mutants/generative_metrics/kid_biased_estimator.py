"""kernel_inception_distance keeps the pairs i = j: all three kernel means over m² pairs (the biased MMD²)."""


def kernel_inception_distance(real, fake):
    x = _features("real", real, min_samples=2)
    y = _features("fake", fake, min_samples=2)
    if x.shape != y.shape:
        raise ValueError(f"real and fake must have the same shape, got {x.shape} and {y.shape}")
    d = x.shape[1]
    k_xx, k_yy, k_xy = ((a @ b.T / d + 1) ** 3 for a, b in ((x, x), (y, y), (x, y)))
    return float(k_xx.mean() + k_yy.mean() - 2 * k_xy.mean())
