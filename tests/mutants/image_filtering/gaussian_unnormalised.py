"""gaussian_kernel returns the raw weights exp(-(x² + y²) / (2σ²)) without dividing by their sum."""


def gaussian_kernel(size, sigma):
    _check_odd_size("size", size)
    if not 0 < sigma < np.inf:
        raise ValueError(f"sigma must be a finite number > 0, got {sigma!r}")
    r = size // 2
    x = np.arange(-r, r + 1, dtype=np.float64)
    return np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2.0 * sigma ** 2))
