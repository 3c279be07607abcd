"""im2col orders the rows kernel position first, channel last ((i, j, c)), not F.unfold's (c, i, j)."""


def im2col(x, kernel_size, stride=1, padding=0, dilation=1):
    _images(x)
    (kh, kw), (sh, sw) = _pair(kernel_size, "kernel_size", 1), _pair(stride, "stride", 1)
    padding, (dh, dw) = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    oh = conv_output_size(x.shape[2], kh, sh, padding[0], dh)
    ow = conv_output_size(x.shape[3], kw, sw, padding[1], dw)
    padded = F.pad(x, (padding[1], padding[1], padding[0], padding[0]))
    slices = [padded[:, :, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
              for i in range(kh) for j in range(kw)]
    return torch.stack(slices, dim=1).reshape(x.shape[0], x.shape[1] * kh * kw, oh * ow)
