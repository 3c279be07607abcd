"""sobel_gradients returns (gy, gx): rows are y, but the first output is computed along them."""


def sobel_gradients(image):
    gx_kernel, gy_kernel = sobel_kernels()
    return correlate2d(image, gy_kernel), correlate2d(image, gx_kernel)
