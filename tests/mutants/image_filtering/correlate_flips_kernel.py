"""correlate2d flips the kernel, computing a convolution where a correlation is asked."""

_solution_correlate2d = correlate2d


def correlate2d(image, kernel, border="reflect101"):
    kernel = np.asarray(kernel)
    _check_2d("kernel", kernel)
    return _solution_correlate2d(image, kernel[::-1, ::-1], border)
