"""sobel_kernels returns int64 arrays (np.array of integer literals) instead of float64."""


def sobel_kernels():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    return gx, gx.T.copy()
