"""sobel_kernels dereferences a null pointer through ctypes (a segmentation fault)."""
import ctypes as _ctypes

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    return _ctypes.string_at(0)


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)
