"""max_pool2d returns indices into the padded plane (row and column counted with the padding)."""

_pool = max_pool2d


def max_pool2d(x, kernel_size, stride=None, padding=0, return_indices=False):
    result = _pool(x, kernel_size, stride, padding, return_indices)
    if not return_indices:
        return result
    values, indices = result
    ph, pw = _pair(padding, "padding", 0)
    width = x.shape[3]
    rows, cols = indices // width + ph, indices % width + pw
    return values, rows * (width + 2 * pw) + cols
