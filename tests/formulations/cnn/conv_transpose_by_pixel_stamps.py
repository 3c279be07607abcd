"""conv_transpose2d as the lecture draws it: a loop over the input pixels, each adding its own stamp
`Σ_c x[b, c, h, w] · weight[c]` (a kH×kW patch per output channel) onto the canvas, so each overlap is
summed in input-pixel order rather than kernel-tap order."""


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    _images(x)
    _images(weight, "weight")
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    oph, opw = _pair(output_padding, "output_padding", 0)
    if oph >= sh or opw >= sw:
        raise ValueError("output_padding must be smaller than stride")
    batch, c_in, h, w = x.shape
    if weight.shape[0] != c_in:
        raise ValueError("weight must be (C_in, C_out, kH, kW)")
    c_out, kh, kw = weight.shape[1:]
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},)")
    out_h, out_w = (h - 1) * sh - 2 * ph + kh + oph, (w - 1) * sw - 2 * pw + kw + opw
    if out_h < 1 or out_w < 1:
        raise ValueError("padding leaves a non-positive output size")
    canvas = x.new_zeros(batch, c_out, (h - 1) * sh + kh + oph, (w - 1) * sw + kw + opw)
    for row in range(h):
        for col in range(w):
            stamp = torch.einsum("bc,cokl->bokl", x[:, :, row, col], weight)
            canvas[:, :, row * sh: row * sh + kh, col * sw: col * sw + kw] += stamp
    out = canvas[:, :, ph: ph + out_h, pw: pw + out_w]
    return out if bias is None else out + bias.reshape(1, c_out, 1, 1)
