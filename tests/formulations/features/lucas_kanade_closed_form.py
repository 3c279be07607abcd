"""Lucas–Kanade point by point, the 2×2 system solved by its closed-form inverse and the smaller eigenvalue from trace and determinant."""


def lucas_kanade(prev, next, points, window=5):
    prev = _check_image("prev", prev)
    next = _check_image("next", next)
    if prev.shape != next.shape:
        raise ValueError(f"prev and next must have the same shape, got {prev.shape} and {next.shape}")
    _check_int("window", window, 1, odd=True)
    points = _check_points(points, prev.shape)
    height, width = prev.shape
    ix, iy = np.zeros_like(prev), np.zeros_like(prev)
    ix[:, 1:-1] = (prev[:, 2:] - prev[:, :-2]) / 2  # the edge columns and rows stay 0 (reflect101)
    iy[1:-1, :] = (prev[2:, :] - prev[:-2, :]) / 2
    it = next - prev
    half = window // 2
    flow = np.full((len(points), 2), np.nan)
    for n, (r, c) in enumerate(points):
        patch = np.s_[max(r - half, 0):min(r + half + 1, height), max(c - half, 0):min(c + half + 1, width)]
        gx, gy, gt = ix[patch], iy[patch], it[patch]
        a, b, d = (gx * gx).sum(), (gx * gy).sum(), (gy * gy).sum()
        p, q = (gx * gt).sum(), (gy * gt).sum()
        if (a + d) / 2 - np.sqrt(((a - d) / 2) ** 2 + b * b) >= MIN_EIGENVALUE:
            det = a * d - b * b
            flow[n] = (-(d * p - b * q) / det, -(a * q - b * p) / det)
    return flow
