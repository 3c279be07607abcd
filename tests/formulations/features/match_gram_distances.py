"""Euclidean distances through the Gram matrix, sqrt(|a|² + |b|² − 2a·b), and the ratio test as a division best / second < max_ratio."""


def match_descriptors(d1, d2, metric="euclidean", max_ratio=1.0, cross_check=True):
    d1, d2 = _check_descriptors(d1, d2)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    _check_number("max_ratio", max_ratio, lambda r: 0 < r <= 1, "a number in (0, 1]")
    if metric == "hamming":
        distances = (d1[:, None, :] != d2[None, :, :]).sum(axis=-1) / d1.shape[1]
    else:
        a, b = d1.astype(np.float64), d2.astype(np.float64)
        squared = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :] - 2 * a @ b.T
        distances = np.sqrt(np.maximum(squared, 0.0))
    matches = []
    for i, row in enumerate(distances):
        j = int(np.argmin(row))
        if cross_check and int(np.argmin(distances[:, j])) != i:
            continue
        if max_ratio < 1:
            second = np.delete(row, j).min() if len(row) > 1 else np.inf
            if row[j] / (second if second > 0 else np.finfo(np.float64).eps) >= max_ratio:
                continue
        matches.append((i, j))
    return np.array(matches, dtype=np.int64).reshape(-1, 2)
