"""lucas_kanade differentiates along rows for Ix and along columns for Iy (the axes swapped)."""


def lucas_kanade(prev, next, points, window=5):
    prev, next = _check_image("prev", prev), _check_image("next", next)
    if prev.shape != next.shape:
        raise ValueError(f"prev and next must have the same shape, got {prev.shape} and {next.shape}")
    _check_int("window", window, 1, odd=True)
    points = _check_points(points, prev.shape)
    rows, cols = points[:, 0], points[:, 1]
    p = np.pad(prev, 1, mode="reflect")
    iy, ix = (p[1:-1, 2:] - p[1:-1, :-2]) / 2, (p[2:, 1:-1] - p[:-2, 1:-1]) / 2
    it = next - prev
    half = window // 2

    def window_sums(values):
        return sliding_window_view(np.pad(values, half), (window, window))[rows, cols].sum(axis=(-2, -1))

    sxx, sxy, syy, sxt, syt = (window_sums(v) for v in (ix * ix, ix * iy, iy * iy, ix * it, iy * it))
    matrices = np.stack([np.stack([sxx, sxy], -1), np.stack([sxy, syy], -1)], -2)
    flow = np.full((len(points), 2), np.nan)
    ok = np.linalg.eigvalsh(matrices)[:, 0] >= MIN_EIGENVALUE
    flow[ok] = np.linalg.solve(matrices[ok], -np.stack([sxt, syt], -1)[ok][..., None])[..., 0]
    return flow
