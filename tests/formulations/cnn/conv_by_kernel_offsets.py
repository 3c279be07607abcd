"""conv2d as a sum over kernel offsets (one strided slice times one weight column per tap, no im2col matrix),
and conv_transpose2d as zeros inserted between the pixels, padded, then that conv2d with the kernel flipped
and its channel axes swapped: the same sums, accumulated in another order."""


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    _images(x)
    _images(weight, "weight")
    groups = _int(groups, "groups", 1)
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    dh, dw = _pair(dilation, "dilation", 1)
    batch, c_in, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide C_in and C_out")
    if c_group * groups != c_in:
        raise ValueError("weight does not match C_in / groups")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},)")
    oh, ow = conv_output_size(h, kh, sh, ph, dh), conv_output_size(w, kw, sw, pw, dw)
    padded = F.pad(x, (pw, pw, ph, ph)).reshape(batch, groups, c_group, h + 2 * ph, w + 2 * pw)
    kernels = weight.reshape(groups, c_out // groups, c_group, kh, kw)
    out = x.new_zeros(batch, groups, c_out // groups, oh, ow)
    for i in range(kh):
        for j in range(kw):
            tap = padded[..., i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
            out = out + torch.einsum("bgchw,goc->bgohw", tap, kernels[..., i, j])
    out = out.reshape(batch, c_out, oh, ow)
    return out if bias is None else out + bias.reshape(1, c_out, 1, 1)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    _images(x)
    _images(weight, "weight")
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    oph, opw = _pair(output_padding, "output_padding", 0)
    if oph >= sh or opw >= sw:
        raise ValueError("output_padding must be smaller than stride")
    if weight.shape[0] != x.shape[1]:
        raise ValueError("weight must be (C_in, C_out, kH, kW)")
    kh, kw = weight.shape[2:]
    batch, channels, h, w = x.shape
    if (h - 1) * sh - 2 * ph + kh + oph < 1 or (w - 1) * sw - 2 * pw + kw + opw < 1:
        raise ValueError("padding leaves a non-positive output size")
    spread = x.new_zeros(batch, channels, (h - 1) * sh + 1, (w - 1) * sw + 1)
    spread[:, :, ::sh, ::sw] = x
    spread = F.pad(spread, (kw - 1 - pw, kw - 1 - pw + opw, kh - 1 - ph, kh - 1 - ph + oph))
    return conv2d(spread, weight.transpose(0, 1).flip(-2, -1), bias)
