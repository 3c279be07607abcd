"""conv2d pads only the top and left (2·padding zeros there) instead of padding on both sides."""

_unpadded = conv2d


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    ph, pw = _pair(padding, "padding", 0)
    return _unpadded(F.pad(x, (2 * pw, 0, 2 * ph, 0)), weight, bias, stride, 0, dilation, groups)
