"""convolve2d does not pass `border` on, so it always uses reflect101."""


def convolve2d(image, kernel, border="reflect101"):
    kernel = np.asarray(kernel)
    _check_2d("kernel", kernel)
    return correlate2d(image, kernel[::-1, ::-1])
