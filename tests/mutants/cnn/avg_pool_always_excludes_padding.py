"""avg_pool2d divides by the number of real pixels even when count_include_pad asks to count the padding."""

_average = avg_pool2d


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    return _average(x, kernel_size, stride, padding, count_include_pad=False)
