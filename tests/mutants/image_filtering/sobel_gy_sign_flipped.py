"""sobel_kernels has Gy = [[1, 2, 1], [0, 0, 0], [-1, -2, -1]]: y pointing up as in maths, not down the rows."""


def sobel_kernels():
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    gy = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=np.float64)
    return gx, gy
