"""avg_pool2d ignores count_include_pad=False and always divides by kH·kW."""

_average = avg_pool2d


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    return _average(x, kernel_size, stride, padding, count_include_pad=True)
