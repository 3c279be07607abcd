"""conv2d flips the kernel (a true convolution, as in signal processing) instead of cross-correlating."""

_correlate = conv2d


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _correlate(x, weight.flip(-2, -1), bias, stride, padding, dilation, groups)
