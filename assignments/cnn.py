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
    raise NotImplementedError("cnn.conv_output_size: not implemented yet")


def im2col(x: torch.Tensor, kernel_size, stride=1, padding=0, dilation=1) -> torch.Tensor:
    """Every (dilated) kH×kW window of the zero-padded x as a column: (B, C·kH·kW, L).

    Row `c·kH·kW + i·kW + j` (channel first, then kernel row, then kernel column), column
    `l = oh·OW + ow` (output positions row by row, L = OH·OW) holds
    `x_padded[b, c, oh·sH + i·dH, ow·sW + j·dW]`, with OH, OW from `conv_output_size`.
    This is exactly `F.unfold`'s layout. Must not call `F.unfold`, `nn.Unfold` or
    `torch._C._nn.im2col`; `Tensor.unfold` (a strided sliding-window view: it gives the
    windows, the layout is still yours to build) and `F.pad` are allowed.
    """
    raise NotImplementedError("cnn.im2col: not implemented yet")


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
    raise NotImplementedError("cnn.conv2d: not implemented yet")


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
    raise NotImplementedError("cnn.conv_transpose2d: not implemented yet")


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
    raise NotImplementedError("cnn.max_pool2d: not implemented yet")


def avg_pool2d(x: torch.Tensor, kernel_size, stride=None, padding=0, count_include_pad: bool = True) -> torch.Tensor:
    """Mean over each kH×kW window of the zero-padded x; `stride` defaults to `kernel_size`.

    `padding` at most half the kernel size (ValueError naming it). The divisor is kH·kW
    when `count_include_pad` (padding zeros count), else the number of window positions
    inside the unpadded input. Output (B, C, OH, OW), OH and OW from `conv_output_size`.
    Must not call `F.avg_pool2d`, `torch._C._nn.avg_pool2d` or `nn.AvgPool2d`.
    """
    raise NotImplementedError("cnn.avg_pool2d: not implemented yet")


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
    raise NotImplementedError("cnn.max_unpool2d: not implemented yet")


def upsample_nearest(x: torch.Tensor, scale_factor: int) -> torch.Tensor:
    """Nearest-neighbour upsampling by an integer factor s ("reverse pooling"):
    out[b, c, i, j] = x[b, c, i // s, j // s], shape (B, C, s·H, s·W).

    `scale_factor` must be an int ≥ 1 (else ValueError naming it). Must not call
    `F.interpolate`, `F.upsample`, `F.upsample_nearest`, `torch._C._nn.upsample_nearest2d`
    or `nn.Upsample`; indexing, `repeat_interleave` and `expand` are fine.
    """
    raise NotImplementedError("cnn.upsample_nearest: not implemented yet")


class MLP(nn.Module):
    """A fully connected classifier (the ANN of the MNIST notebook).

    `net` is an `nn.Sequential` of `nn.Linear(sizes[0], sizes[1]), nn.ReLU(), ...,
    nn.Linear(sizes[-2], sizes[-1])`: the Linear layers (with bias) at the even indices
    0, 2, 4, ..., one nn.ReLU at each odd index between them, no activation after the last.
    `sizes`: at least two positive ints (else ValueError naming `sizes`).
    """

    def __init__(self, sizes=(784, 128, 64, 10)):
        super().__init__()
        raise NotImplementedError("cnn.MLP.__init__: not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits `net(x.flatten(1))`, (B, sizes[-1]), of x (B, ...) flattened to (B, sizes[0]); x of
        fewer than 2 dims or whose non-batch dims do not hold sizes[0] elements: ValueError naming x."""
        raise NotImplementedError("cnn.MLP.forward: not implemented yet")


def count_parameters(model: nn.Module, trainable_only: bool = True) -> int:
    """Number of parameter elements of `model` (a Python int): every parameter counted once
    (as `model.parameters()` yields them, so a shared layer counts once), buffers such as
    BatchNorm's running statistics not at all; with `trainable_only`, only parameters with
    `requires_grad`. The lecture's 784-16-16-10 MLP has 13,002.
    """
    raise NotImplementedError("cnn.count_parameters: not implemented yet")


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
    raise NotImplementedError("cnn.feature_maps: not implemented yet")
