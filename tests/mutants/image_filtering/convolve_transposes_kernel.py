"""convolve2d "flips" the kernel by transposing it (kernel.T), which is a reflection about the diagonal, not a 180° rotation."""


def convolve2d(image, kernel, border="reflect101"):
    kernel = np.asarray(kernel)
    _check_2d("kernel", kernel)
    return correlate2d(image, kernel.T, border)
