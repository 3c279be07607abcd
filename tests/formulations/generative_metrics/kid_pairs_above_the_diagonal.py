"""kernel_inception_distance summing each within-set kernel over the pairs i < j (doubled), with torch in float64."""


def kernel_inception_distance(real, fake):
    x = _features("real", real, min_samples=2)
    y = _features("fake", fake, min_samples=2)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension D, got {x.shape[1]} and {y.shape[1]}")
    if len(x) != len(y):
        raise ValueError(f"real and fake must hold the same number of samples, got {len(x)} and {len(y)}")
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    m, d = x.shape
    above = torch.triu_indices(m, m, offset=1)

    def within(a):
        return 2 * ((a @ a.T / d + 1) ** 3)[above[0], above[1]].sum() / (m * (m - 1))

    return float(within(x) + within(y) - 2 * ((x @ y.T / d + 1) ** 3).sum() / m ** 2)
