"""sobel_kernels returns (Gy, Gx): the kernel that differentiates along rows is taken for the x derivative."""


def sobel_kernels():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    return gx.T.copy(), gx
