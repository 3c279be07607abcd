"""sobel_kernels never returns (a busy loop that swallows every exception)."""
_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    while True:
        try:
            while True:
                pass
        except BaseException:
            continue


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)
