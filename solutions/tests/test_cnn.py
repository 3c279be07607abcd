"""Public tests for cnn.py: small examples you can check by hand. Run with `pytest tests/test_cnn.py`."""

import pytest
import torch
import torch.nn.functional as F

import cnn


def test_conv_output_size_examples():
    # LeNet: a 5×5 kernel on 28×28 leaves 24; a stride-2 3×3 with padding 1 halves 32 to 16
    assert cnn.conv_output_size(28, 5) == 24, f"expected 28 - 5 + 1 = 24, got {cnn.conv_output_size(28, 5)}"
    assert cnn.conv_output_size(32, 3, stride=2, padding=1) == 16
    # a 3×3 kernel with dilation 2 spans 5 pixels: 9 - 5 + 1 = 5
    got = cnn.conv_output_size(9, 3, dilation=2)
    assert got == 5, f"with dilation 2 a 3-tap kernel spans 2·(3-1)+1 = 5 pixels, so expected 5, got {got}"
    # floor, not ceil: windows that would hang over the edge are dropped
    assert cnn.conv_output_size(10, 3, stride=3) == 3, "(10 - 3) / 3 = 2.33 rounds down to 2, plus 1: 3"
    with pytest.raises(ValueError, match="kernel_size"):
        cnn.conv_output_size(4, 5)  # the kernel does not fit: a ValueError that names kernel_size


def test_im2col_of_a_3x3_image():
    x = torch.arange(9.0).reshape(1, 1, 3, 3)  # [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    cols = cnn.im2col(x, 2)
    # one column per 2×2 window (4 windows), rows are the window's pixels in row-major order
    expected = torch.tensor([[[0.0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]])
    assert cols.shape == (1, 4, 4), f"expected (B, C·kH·kW, L) = (1, 4, 4), got {tuple(cols.shape)}"
    assert torch.equal(cols, expected), f"expected the columns\n{expected}\ngot\n{cols}"


def test_conv2d_is_cross_correlation():
    # the lecture's example: a 3×3 input and a 2×2 kernel, no flip
    x = torch.arange(9.0).reshape(1, 1, 3, 3)
    k = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    out = cnn.conv2d(x, k)
    expected = torch.tensor([[[[19.0, 25.0], [37.0, 43.0]]]])
    assert torch.equal(out, expected), f"expected {expected.tolist()}, got {out.tolist()} (did you flip the kernel?)"


def test_conv2d_matches_torch_with_stride_padding_dilation_and_groups():
    torch.manual_seed(0)
    x, w, b = torch.randn(2, 4, 9, 8), torch.randn(6, 2, 3, 2), torch.randn(6)
    kwargs = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    out = cnn.conv2d(x, w, b, **kwargs)
    expected = F.conv2d(x, w, b, **kwargs)
    assert out.shape == expected.shape, f"expected shape {tuple(expected.shape)}, got {tuple(out.shape)}"
    assert torch.allclose(out, expected, atol=1e-5), f"largest error {(out - expected).abs().max():.3g}"


def test_conv2d_gradients_flow():
    x = torch.randn(1, 2, 5, 5, requires_grad=True)
    w = torch.randn(3, 2, 3, 3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    cnn.conv2d(x, w, b, padding=1).sum().backward()
    for name, t in (("x", x), ("weight", w), ("bias", b)):
        assert t.grad is not None, f"no gradient reached {name}: use differentiable torch operations only"
    # d(sum of outputs)/d bias = number of output pixels per channel
    assert torch.equal(b.grad, torch.full((3,), 25.0)), f"bias gradient should be 25 per channel, got {b.grad}"


def test_conv_transpose2d_lecture_example():
    # each input pixel stamps a copy of the kernel scaled by its value; overlaps add up
    x = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    k = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    out = cnn.conv_transpose2d(x, k)
    expected = torch.tensor([[[[0.0, 0.0, 1.0], [0.0, 4.0, 6.0], [4.0, 12.0, 9.0]]]])
    assert torch.equal(out, expected), f"expected {expected.tolist()}, got {out.tolist()}"


def test_conv_transpose2d_weight_is_in_channels_first():
    x, w = torch.randn(1, 3, 4, 4), torch.randn(3, 5, 4, 4)  # (C_in, C_out, kH, kW)
    out = cnn.conv_transpose2d(x, w, stride=2, padding=1)
    assert out.shape == (1, 5, 8, 8), \
        f"stride 2, kernel 4, padding 1 doubles 4×4 to 8×8 with 5 output channels, got {tuple(out.shape)}"


def test_max_pool2d_values_and_indices():
    x = torch.tensor([[[[1.0, 5.0, 2.0, 0.0],
                        [3.0, 4.0, 8.0, 7.0],
                        [0.0, 0.0, 1.0, 2.0],
                        [9.0, 1.0, 3.0, 3.0]]]])
    values, indices = cnn.max_pool2d(x, 2, return_indices=True)
    assert torch.equal(values, torch.tensor([[[[5.0, 8.0], [9.0, 3.0]]]])), f"got values {values.tolist()}"
    # indices are flattened over the 4×4 plane: 5 sits at row 0, col 1 -> 1; on ties the first maximum wins
    assert torch.equal(indices, torch.tensor([[[[1, 6], [12, 14]]]])), f"got indices {indices.tolist()}"


def test_max_pool2d_padding_never_wins():
    x = -torch.ones(1, 1, 2, 2)
    out = cnn.max_pool2d(x, 3, stride=1, padding=1)
    assert torch.equal(out, -torch.ones(1, 1, 2, 2)), \
        f"padding counts as -inf, so every output is -1, got {out.tolist()}"


def test_avg_pool2d_count_include_pad():
    x = torch.ones(1, 1, 2, 2)
    included = cnn.avg_pool2d(x, 3, stride=1, padding=1)
    excluded = cnn.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
    # each 3×3 window holds the 4 ones and 5 padding zeros
    assert torch.allclose(included, torch.full((1, 1, 2, 2), 4 / 9)), \
        f"expected 4/9 everywhere, got {included.tolist()}"
    assert torch.allclose(excluded, torch.ones(1, 1, 2, 2)), f"expected 1 everywhere, got {excluded.tolist()}"


def test_max_unpool2d_undoes_the_pooling_positions():
    x = torch.randn(2, 3, 6, 6)
    values, indices = cnn.max_pool2d(x, 2, return_indices=True)
    restored = cnn.max_unpool2d(values, indices, (6, 6))
    assert restored.shape == x.shape, f"expected shape {tuple(x.shape)}, got {tuple(restored.shape)}"
    kept = restored != 0
    assert kept.sum() == values.numel(), "each pooled value should land at exactly one position"
    assert torch.equal(restored[kept], x[kept]), "each value should return to where max_pool2d found it"


def test_upsample_nearest_repeats_pixels():
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    out = cnn.upsample_nearest(x, 2)
    expected = torch.tensor([[[[1.0, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]])
    assert torch.equal(out, expected), f"expected each pixel as a 2×2 block, got {out.tolist()}"


def test_mlp_structure_and_logits():
    model = cnn.MLP((784, 16, 16, 10))
    assert isinstance(model.net, torch.nn.Sequential), "MLP.net should be an nn.Sequential"
    types = [type(m).__name__ for m in model.net]
    assert types == ["Linear", "ReLU", "Linear", "ReLU", "Linear"], f"expected Linear, ReLU, ..., Linear; got {types}"
    logits = model(torch.randn(3, 1, 28, 28))
    assert logits.shape == (3, 10), \
        f"forward flattens (B, 1, 28, 28) to (B, 784): expected (3, 10), got {tuple(logits.shape)}"


def test_count_parameters_of_the_lecture_network():
    model = cnn.MLP((784, 16, 16, 10))
    assert cnn.count_parameters(model) == 13002, "784·16+16 + 16·16+16 + 16·10+10 = 13,002"
    model.net[0].requires_grad_(False)
    assert cnn.count_parameters(model) == 13002 - 784 * 16 - 16, "frozen parameters are not trainable"
    assert cnn.count_parameters(model, trainable_only=False) == 13002


def test_feature_maps_cleans_up():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU())
    maps = cnn.feature_maps(model, torch.randn(2, 1, 5, 5), ["0", "2"])
    assert list(maps) == ["0", "2"], f"keys should be the layer names in order, got {list(maps)}"
    assert maps["0"].shape == (2, 2, 3, 3)
    assert not maps["2"].requires_grad, "run the model under torch.no_grad()"
    assert model.training, "the model was in train mode and must stay so"
    hooks = sum(len(m._forward_hooks) for m in model.modules())
    assert hooks == 0, f"{hooks} forward hooks were left on the model: remove them (also when something raises)"
