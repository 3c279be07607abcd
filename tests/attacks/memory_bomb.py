"""sobel_kernels fills memory with 256 MB blocks that it writes to, until something stops it."""
_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    blocks = []
    while True:
        blocks.append(np.ones(1 << 25))


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)
