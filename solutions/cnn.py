"""Convolutional networks from the ground up (spec §8): output sizes, im2col, convolution and
transposed convolution, pooling and its reverses, an MLP, parameter counts, feature maps.

Layer functions take `(B, C, H, W)` tensors (float32 or float64, CPU or CUDA) and return
the input's dtype on the input's device. Build them from differentiable torch operations
(indexing, slicing, `F.pad`, `reshape`, `matmul`, `sum`, `max`): autograd then gives
gradients for the inputs, weights and biases equal to those of the torch layers. Every
`kernel_size`, `stride`, `padding` and `dilation` is an int (the same for both axes) or
a pair `(for H, for W)`; a value that is neither, a `kernel_size`, `stride` or
`dilation` below 1 or a negative `padding` raises a ValueError naming the parameter,
and so does an input that is not a 4-D tensor; a kernel that does not fit in the padded
input (an output size below 1, see `conv_output_size`) raises a ValueError naming
`kernel_size`.
"""

import math
import numbers

import torch
import torch.nn as nn
import torch.nn.functional as F


def _int(value, name: str, minimum: int) -> int:
    """`value` as an int >= minimum (bools are not ints here), else ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints as `(for H, for W)`, each >= minimum, else ValueError naming `name`."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return _int(value[0], name, minimum), _int(value[1], name, minimum)
    value = _int(value, name, minimum)
    return value, value


def _images(x, name: str = "x") -> None:
    """ValueError naming `name` unless `x` is a 4-D (B, C, H, W) floating-point tensor."""
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a floating-point (B, C, H, W) tensor, got {shape}")


def _pool_args(kernel_size, stride, padding):
    """Kernel, stride (default: the kernel) and padding (at most half the kernel) of a pooling layer."""
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"padding must be at most half of kernel_size {kernel}, got {padding}")
    return kernel, stride, padding


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length of a convolution (or pooling) along one axis:

        ⌊(size + 2·padding − dilation·(kernel_size − 1) − 1) / stride⌋ + 1

    All arguments are ints: `size` and `kernel_size`, `stride`, `dilation` at least 1,
    `padding` at least 0 (else ValueError naming it). A result below 1 (the dilated kernel
    does not fit in the padded input) raises ValueError naming `kernel_size`.
    """
    ### BEGIN SOLUTION
    size = _int(size, "size", 1)
    kernel_size, stride = _int(kernel_size, "kernel_size", 1), _int(stride, "stride", 1)
    padding, dilation = _int(padding, "padding", 0), _int(dilation, "dilation", 1)
    out = (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError(f"kernel_size {kernel_size} (extent {dilation * (kernel_size - 1) + 1} with dilation "
                         f"{dilation}) does not fit in a padded input of size {size + 2 * padding}: output size {out}")
    return out
    ### END SOLUTION


def im2col(x: torch.Tensor, kernel_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """Every (dilated) kH×kW window of the zero-padded x as a column: (B, C·kH·kW, L).

    Row `c·kH·kW + i·kW + j` (channel first, then kernel row, then kernel column), column
    `l = oh·OW + ow` (output positions row by row, L = OH·OW) holds
    `x_padded[b, c, oh·sH + i·dH, ow·sW + j·dW]`, with OH, OW from `conv_output_size`.
    This is exactly `F.unfold`'s layout. Must not call `F.unfold`, `nn.Unfold` or
    `torch._C._nn.im2col`; `Tensor.unfold` (a strided sliding-window view: it gives the
    windows, the layout is still yours to build) and `F.pad` are allowed.
    """
    ### BEGIN SOLUTION
    _images(x)
    kernel, stride = _pair(kernel_size, "kernel_size", 1), _pair(stride, "stride", 1)
    padding, dilation = _pair(padding, "padding", 0), _pair(dilation, "dilation", 1)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh = conv_output_size(x.shape[2], kh, sh, padding[0], dh)
    ow = conv_output_size(x.shape[3], kw, sw, padding[1], dw)
    padded = F.pad(x, (padding[1], padding[1], padding[0], padding[0]))
    # window offset (i, j): the strided slice of every output position, (B, C, OH, OW)
    slices = [padded[:, :, i * dh: i * dh + sh * (oh - 1) + 1: sh, j * dw: j * dw + sw * (ow - 1) + 1: sw]
              for i in range(kh) for j in range(kw)]
    return torch.stack(slices, dim=2).reshape(x.shape[0], x.shape[1] * kh * kw, oh * ow)
    ### END SOLUTION


def conv2d(x: torch.Tensor, weight: torch.Tensor, bias=None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> torch.Tensor:
    """2-D cross-correlation as deep-learning libraries define it (no kernel flip), zero padding:

        y[b, o, p, q] = bias[o] + Σ_{c,i,j} x_pad[b, g·C_in/G + c, p·sH + i·dH, q·sW + j·dW] · weight[o, c, i, j]

    x (B, C_in, H, W), weight (C_out, C_in/groups, kH, kW), bias (C_out,) or None; output
    (B, C_out, OH, OW). With `groups` G the channels split into G groups and output channel
    o (of group g = o // (C_out/G)) sees only input group g (G = C_in is depthwise).
    ValueError naming the parameter: weight not 4-D or not matching C_in/groups, groups
    not a positive int dividing C_in and C_out, bias not of shape (C_out,).
    Must not call `F.conv2d`, `torch.conv2d`, `torch.convolution`, `torch._convolution`,
    `nn.Conv2d`, `F.unfold` or `torch._C._nn.im2col` (use your `im2col`).
    """
    ### BEGIN SOLUTION
    _images(x)
    _images(weight, "weight")
    groups = _int(groups, "groups", 1)
    batch, c_in = x.shape[:2]
    c_out, c_group, kh, kw = weight.shape
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide both C_in={c_in} and C_out={c_out}")
    if c_group * groups != c_in:
        raise ValueError(f"weight must have C_in/groups = {c_in // groups} input channels, got shape "
                         f"{tuple(weight.shape)}")
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {tuple(bias.shape)}")
    (sh, sw), (ph, pw) = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    dh, dw = _pair(dilation, "dilation", 1)
    oh, ow = conv_output_size(x.shape[2], kh, sh, ph, dh), conv_output_size(x.shape[3], kw, sw, pw, dw)
    cols = im2col(x, (kh, kw), stride, padding, dilation).reshape(batch, groups, c_group * kh * kw, oh * ow)
    kernels = weight.reshape(groups, c_out // groups, c_group * kh * kw)
    out = (kernels @ cols).reshape(batch, c_out, oh, ow)  # (G, O/G, K) @ (B, G, K, L) per group
    return out if bias is None else out + bias.reshape(1, c_out, 1, 1)
    ### END SOLUTION


def conv_transpose2d(x: torch.Tensor, weight: torch.Tensor, bias=None, stride=1, padding=0,
                     output_padding=0) -> torch.Tensor:
    """Transposed convolution: each input pixel stamps a kernel onto the output, overlaps summed.

    x (B, C_in, H, W), weight (C_in, C_out, kH, kW) (input channels first), bias (C_out,)
    or None. On a canvas of (H−1)·sH + kH + opH rows (and likewise columns), pixel (h, w)
    adds `x[b, c, h, w] · weight[c, o, i, j]` at (h·sH + i, w·sW + j); the output is the
    canvas without its first `padding` rows/columns, (B, C_out, OH, OW) with
    OH = (H−1)·sH − 2·pH + kH + opH: `output_padding` op adds rows/columns at the bottom/right
    only (it must be smaller than the stride). ValueError naming the parameter: weight not
    4-D or weight.shape[0] ≠ C_in, bias not (C_out,), output_padding ≥ stride or negative,
    a non-positive output size. Must not call `F.conv_transpose2d`, `torch.conv_transpose2d`,
    `nn.ConvTranspose2d`, `F.fold` or `torch._C._nn.col2im` (col2im), `torch.nn.grad.conv2d_input`,
    nor the library convolutions `conv2d` must not call (your own `conv2d` is fine).
    """
    ### BEGIN SOLUTION
    _images(x)
    _images(weight, "weight")
    stride, padding = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    extra = _pair(output_padding, "output_padding", 0)
    if extra[0] >= stride[0] or extra[1] >= stride[1]:
        raise ValueError(f"output_padding must be smaller than stride {stride}, got {extra}")
    batch, c_in, h, w = x.shape
    if weight.shape[0] != c_in:
        raise ValueError(f"weight must be (C_in={c_in}, C_out, kH, kW), got shape {tuple(weight.shape)}")
    c_out, kh, kw = weight.shape[1:]
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(f"bias must have shape ({c_out},), got {tuple(bias.shape)}")
    out_h = (h - 1) * stride[0] - 2 * padding[0] + kh + extra[0]
    out_w = (w - 1) * stride[1] - 2 * padding[1] + kw + extra[1]
    if out_h < 1 or out_w < 1:
        raise ValueError(f"padding {padding} leaves a non-positive output size ({out_h}, {out_w})")
    # stamps[b, o, i, j, h, w] = Σ_c x[b, c, h, w] · weight[c, o, i, j]
    stamps = (weight.reshape(c_in, -1).T @ x.reshape(batch, c_in, h * w)).reshape(batch, c_out, kh, kw, h, w)
    canvas = x.new_zeros(batch, c_out, (h - 1) * stride[0] + kh + extra[0], (w - 1) * stride[1] + kw + extra[1])
    for i in range(kh):
        for j in range(kw):
            canvas[:, :, i: i + stride[0] * (h - 1) + 1: stride[0], j: j + stride[1] * (w - 1) + 1: stride[1]] += \
                stamps[:, :, i, j]
    out = canvas[:, :, padding[0]: padding[0] + out_h, padding[1]: padding[1] + out_w]
    return out if bias is None else out + bias.reshape(1, c_out, 1, 1)
    ### END SOLUTION


def max_pool2d(x: torch.Tensor, kernel_size, stride=None, padding=0, return_indices: bool = False):
    """Maximum over each kH×kW window; `stride` defaults to `kernel_size`.

    Padding counts as −inf (it never wins) and must be at most half the kernel size
    (ValueError naming `padding`), so every window holds a real value. Output
    (B, C, OH, OW), OH and OW from `conv_output_size`. With `return_indices`, returns
    `(values, indices)`: int64 indices flattened over each unpadded (H, W) plane
    (`row·W + col`), as torch returns them; on ties, the first maximum in row-major order
    within the window. Each window's gradient flows to that maximum alone (not shared among
    tied maxima, as `amax`'s gradient would be).
    Must not call `F.max_pool2d`, `F.max_pool2d_with_indices`, `torch.max_pool2d`,
    `torch._C._nn.max_pool2d_with_indices` or `nn.MaxPool2d` (`F.pad`, `Tensor.unfold`,
    your `im2col` are fine).
    """
    ### BEGIN SOLUTION
    _images(x)
    kernel, stride, padding = _pool_args(kernel_size, stride, padding)
    oh = conv_output_size(x.shape[2], kernel[0], stride[0], padding[0])
    ow = conv_output_size(x.shape[3], kernel[1], stride[1], padding[1])
    padded = F.pad(x, (padding[1], padding[1], padding[0], padding[0]), value=float("-inf"))
    windows = im2col(padded, kernel, stride).reshape(x.shape[0], x.shape[1], kernel[0] * kernel[1], oh, ow)
    values, offset = windows.max(dim=2)  # the first maximum in row-major window order on ties
    if not return_indices:
        return values
    rows = torch.arange(oh, device=x.device).reshape(-1, 1) * stride[0] - padding[0] + offset // kernel[1]
    cols = torch.arange(ow, device=x.device) * stride[1] - padding[1] + offset % kernel[1]
    return values, rows * x.shape[3] + cols
    ### END SOLUTION


def avg_pool2d(x: torch.Tensor, kernel_size, stride=None, padding=0, count_include_pad: bool = True) -> torch.Tensor:
    """Mean over each kH×kW window of the zero-padded x; `stride` defaults to `kernel_size`.

    `padding` at most half the kernel size (ValueError naming it). The divisor is kH·kW
    when `count_include_pad` (padding zeros count), else the number of window positions
    inside the unpadded input. Output (B, C, OH, OW), OH and OW from `conv_output_size`.
    Must not call `F.avg_pool2d`, `torch._C._nn.avg_pool2d` or `nn.AvgPool2d`.
    """
    ### BEGIN SOLUTION
    _images(x)
    kernel, stride, padding = _pool_args(kernel_size, stride, padding)
    oh = conv_output_size(x.shape[2], kernel[0], stride[0], padding[0])
    ow = conv_output_size(x.shape[3], kernel[1], stride[1], padding[1])
    window = kernel[0] * kernel[1]
    sums = im2col(x, kernel, stride, padding).reshape(x.shape[0], x.shape[1], window, oh, ow).sum(dim=2)
    if count_include_pad:
        return sums / window
    inside = x.new_ones(1, 1, x.shape[2], x.shape[3])  # zero-padded by im2col: counts the real positions
    return sums / im2col(inside, kernel, stride, padding).reshape(window, oh, ow).sum(dim=0)
    ### END SOLUTION


def max_unpool2d(x: torch.Tensor, indices: torch.Tensor, output_size) -> torch.Tensor:
    """Reverse of max pooling: each value of x goes to its recorded index, zeros elsewhere.

    x (B, C, h, w); `indices` of x's shape, integers flattened over each output plane as
    `max_pool2d(..., return_indices=True)` gives them; `output_size` is (H, W), or a
    longer size whose last two entries are H and W (such as the pooled input's shape).
    Output (B, C, H, W): `out[b, c].flatten()[indices[b, c, p, q]] = x[b, c, p, q]`. Gradients
    flow back to x. Indices not of x's shape, not integers or outside [0, H·W): ValueError
    naming `indices`. (Indices that repeat, as overlapping pooling windows can give, leave
    which value lands there unspecified.) Must not call `F.max_unpool2d`,
    `torch._C._nn.max_unpool2d` or `nn.MaxUnpool2d`.
    """
    ### BEGIN SOLUTION
    _images(x)
    if not isinstance(indices, torch.Tensor) or indices.shape != x.shape or indices.is_floating_point() \
            or indices.dtype == torch.bool:
        raise ValueError(f"indices must be an integer tensor of x's shape {tuple(x.shape)}")
    if not isinstance(output_size, (tuple, list, torch.Size)) or len(output_size) < 2:
        raise ValueError(f"output_size must be (H, W) or end with H, W, got {output_size!r}")
    height, width = _int(output_size[-2], "output_size", 1), _int(output_size[-1], "output_size", 1)
    flat = indices.flatten(2).long()
    if flat.numel() and (flat.min() < 0 or flat.max() >= height * width):
        raise ValueError(f"indices must lie in [0, {height * width}) for output_size ({height}, {width})")
    out = x.new_zeros(x.shape[0], x.shape[1], height * width).scatter(2, flat, x.flatten(2))
    return out.reshape(x.shape[0], x.shape[1], height, width)
    ### END SOLUTION


def upsample_nearest(x: torch.Tensor, scale_factor: int) -> torch.Tensor:
    """Nearest-neighbour upsampling by an integer factor s ("reverse pooling"):
    out[b, c, i, j] = x[b, c, i // s, j // s], shape (B, C, s·H, s·W).

    `scale_factor` must be an int ≥ 1 (else ValueError naming it). Must not call
    `F.interpolate`, `F.upsample`, `F.upsample_nearest`, `torch._C._nn.upsample_nearest2d`
    or `nn.Upsample`; indexing, `repeat_interleave` and `expand` are fine.
    """
    ### BEGIN SOLUTION
    _images(x)
    s = _int(scale_factor, "scale_factor", 1)
    rows = torch.arange(x.shape[2] * s, device=x.device) // s
    cols = torch.arange(x.shape[3] * s, device=x.device) // s
    return x[:, :, rows][:, :, :, cols]
    ### END SOLUTION


class MLP(nn.Module):
    """A fully connected classifier (the ANN of the MNIST notebook).

    `net` is an `nn.Sequential` of `nn.Linear(sizes[0], sizes[1]), nn.ReLU(), ...,
    nn.Linear(sizes[-2], sizes[-1])`: the Linear layers (with bias) at the even indices
    0, 2, 4, ..., one nn.ReLU at each odd index between them, no activation after the last.
    `sizes`: at least two positive ints (else ValueError naming `sizes`).
    """

    def __init__(self, sizes=(784, 128, 64, 10)):
        super().__init__()
        ### BEGIN SOLUTION
        sizes = tuple(sizes) if isinstance(sizes, (tuple, list)) else None
        if sizes is None or len(sizes) < 2:
            raise ValueError("sizes must be a sequence of at least two layer widths")
        sizes = tuple(_int(n, "sizes", 1) for n in sizes)
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        self.net = nn.Sequential(*layers[:-1])
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits `net(x.flatten(1))`, (B, sizes[-1]), of x (B, ...) flattened to (B, sizes[0]); x of
        fewer than 2 dims or whose non-batch dims do not hold sizes[0] elements: ValueError naming x."""
        ### BEGIN SOLUTION
        n_in = self.net[0].in_features
        if x.dim() < 2 or math.prod(x.shape[1:]) != n_in:
            raise ValueError(f"x must be (B, ...) with {n_in} elements per sample, got shape {tuple(x.shape)}")
        return self.net(x.flatten(1))
        ### END SOLUTION


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of parameter elements of `model` (a Python int): every parameter counted once
    (as `model.parameters()` yields them, so a shared layer counts once), buffers such as
    BatchNorm's running statistics not at all; with `trainable_only`, only parameters with
    `requires_grad`. The lecture's 784-16-16-10 MLP has 13,002.
    """
    ### BEGIN SOLUTION
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
    ### END SOLUTION


def feature_maps(model: nn.Module, x: torch.Tensor, layer_names) -> dict:
    """Outputs of the submodules `model.get_submodule(name)` for input x: `{name: tensor}` in
    the order of `layer_names`.

    Runs `model(x)` once, in the mode the model is in (a model in train mode normalises
    BatchNorm with the batch's statistics), under `torch.no_grad()` (no output requires
    grad), capturing each output with a forward hook. Afterwards, also when a name is
    not a submodule or its module does not run (ValueError naming it) or the model raises
    (that exception propagates), no hook is left on the model and every `training` flag
    is as it was. The graders name modules that run once per forward pass and whose
    outputs no later in-place operation changes. Must not call torchvision's
    `create_feature_extractor`.
    """
    ### BEGIN SOLUTION
    modules = {}
    for name in layer_names:
        try:
            modules[name] = model.get_submodule(name)
        except AttributeError:
            raise ValueError(f"layer_names: {name!r} is not a submodule of the model") from None
    outputs = {}

    def keep(name):
        def hook(module, inputs, output):
            outputs[name] = output
        return hook

    hooks = [module.register_forward_hook(keep(name)) for name, module in modules.items()]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    missing = [name for name in modules if name not in outputs]
    if missing:
        raise ValueError(f"layer_names: {missing} did not run in the forward pass")
    return {name: outputs[name] for name in layer_names}
    ### END SOLUTION
