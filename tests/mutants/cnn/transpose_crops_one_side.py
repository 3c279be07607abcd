"""conv_transpose2d crops all 2·padding rows/columns from the bottom/right instead of `padding` from each side."""

_stamp = conv_transpose2d


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    ph, pw = _pair(padding, "padding", 0)
    full = _stamp(x, weight, bias, stride, 0, output_padding)
    return full[:, :, : full.shape[2] - 2 * ph, : full.shape[3] - 2 * pw]
