"""avg_pool2d by a summed-area table: running sums over the whole padded plane, each window sum the
difference of four of them (the box filter of integral images), then the same divisors."""


def _box_sums(padded, kernel, stride, out_size):
    """Window sums of `padded` (B, C, H, W) from its integral image."""
    table = F.pad(padded.cumsum(2).cumsum(3), (1, 0, 1, 0))
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out_size
    top, left = slice(0, sh * (oh - 1) + 1, sh), slice(0, sw * (ow - 1) + 1, sw)
    bottom, right = slice(kh, kh + sh * (oh - 1) + 1, sh), slice(kw, kw + sw * (ow - 1) + 1, sw)
    return (table[..., bottom, right] - table[..., top, right] - table[..., bottom, left]
            + table[..., top, left])


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    _images(x)
    kernel, stride, padding = _pool_args(kernel_size, stride, padding)
    out_size = (conv_output_size(x.shape[2], kernel[0], stride[0], padding[0]),
                conv_output_size(x.shape[3], kernel[1], stride[1], padding[1]))
    pad = (padding[1], padding[1], padding[0], padding[0])
    sums = _box_sums(F.pad(x, pad), kernel, stride, out_size)
    if count_include_pad:
        return sums / (kernel[0] * kernel[1])
    return sums / _box_sums(F.pad(x.new_ones(1, 1, *x.shape[2:]), pad), kernel, stride, out_size)
