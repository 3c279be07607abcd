"""match_descriptors compares squared Euclidean distances in the ratio test (best² < max_ratio · second²)."""


def match_descriptors(d1, d2, metric="euclidean", max_ratio=1.0, cross_check=True):
    d1, d2 = _check_descriptors(d1, d2)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    _check_number("max_ratio", max_ratio, lambda r: 0 < r <= 1, "a number in (0, 1]")
    if metric == "hamming":
        distances = (d1[:, None, :] != d2[None, :, :]).mean(axis=-1)
    else:
        distances = ((d1[:, None, :] - d2[None, :, :]) ** 2).sum(axis=-1)
    first = np.arange(len(d1))
    nearest = distances.argmin(axis=1)
    keep = np.ones(len(d1), dtype=bool)
    if cross_check:
        keep &= distances.argmin(axis=0)[nearest] == first
    if max_ratio < 1:
        others = distances.copy()
        others[first, nearest] = np.inf
        second = others.min(axis=1)
        second[second == 0] = np.finfo(np.float64).eps
        keep &= distances[first, nearest] < max_ratio * second
    return np.stack([first[keep], nearest[keep]], axis=1).astype(np.int64)
