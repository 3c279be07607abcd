"""conv_transpose2d appends `output_padding` rows/columns of zeros after cropping, losing the overlap sums there."""

_stamp = conv_transpose2d


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    oph, opw = _pair(output_padding, "output_padding", 0)
    out = _stamp(x, weight, None, stride, padding, 0)
    out = F.pad(out, (0, opw, 0, oph))
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)
