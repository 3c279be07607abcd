"""convolve2d flips the kernel upside down (kernel[::-1]) but not left to right."""


def convolve2d(image, kernel, border="reflect101"):
    kernel = np.asarray(kernel)
    _check_2d("kernel", kernel)
    return correlate2d(image, kernel[::-1], border)
