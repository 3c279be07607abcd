"""convolve2d forgets to flip the kernel and returns the correlation."""


def convolve2d(image, kernel, border="reflect101"):
    return correlate2d(image, kernel, border)
