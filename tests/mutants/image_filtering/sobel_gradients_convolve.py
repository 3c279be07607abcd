"""sobel_gradients convolves with the Sobel kernels instead of correlating, which flips the sign of gx and gy."""


def sobel_gradients(image):
    gx_kernel, gy_kernel = sobel_kernels()
    return convolve2d(image, gx_kernel), convolve2d(image, gy_kernel)
