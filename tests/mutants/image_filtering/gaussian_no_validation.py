"""gaussian_kernel checks nothing: an even size quietly gives a (size+1)-wide kernel and sigma <= 0 gives NaNs."""


def gaussian_kernel(size, sigma):
    r = size // 2
    x = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-(x[:, None] ** 2 + x[None, :] ** 2) / (2.0 * sigma ** 2))
    return g / g.sum()
