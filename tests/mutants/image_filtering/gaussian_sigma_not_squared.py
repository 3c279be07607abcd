"""gaussian_kernel divides by 2σ instead of 2σ², so the width is wrong for every sigma but 1."""


def gaussian_kernel(size, sigma):
    _check_odd_size("size", size)
    if not 0 < sigma < np.inf:
        raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
    r = size // 2
    x = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2.0 * sigma))
    return g / g.sum()
