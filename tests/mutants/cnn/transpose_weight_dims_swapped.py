"""conv_transpose2d reads the weight as (C_out, C_in, kH, kW), as for conv2d, instead of (C_in, C_out, kH, kW)."""

_stamp = conv_transpose2d


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    return _stamp(x, weight.transpose(0, 1), bias, stride, padding, output_padding)
