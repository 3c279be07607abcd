"""Hidden graders for `cnn` (spec §8), against torch.nn.functional and torchvision's
create_feature_extractor, run in float64 in the grading process (see reference/cnn.py).

Inputs: each case draws its tensors from `cvgrade.inputs` with the seed in the test id
(x from `seed`, the weight from `seed + 1`, the bias from `seed + 2`, the upstream
gradient from `seed + 3`); tensors are standard normal, so kernels are neither symmetric
nor separable and a flip, a transpose or a swapped axis changes the result. Shapes mix
odd and even, square and not; cases cover int and pair arguments, asymmetric strides,
dilation > 1, groups > 1 and depthwise kernels. Every case runs in float32; one case per
function (the one that builds the most new tensors: padding, bias, divisors) also runs in
float64, which shows the result keeps the dtype and is computed in it. Gradients are
checked for every tensor argument with a random upstream gradient; where the reference's
gradient is exact (pooling, unpooling, upsampling, im2col route or add upstream values)
the upstream gradient holds small integers, so any summation order gives the same result
exactly. Max pooling's gradient is checked on inputs full of ties (values in {0, 1, 2}):
it must reach the first maximum only. Models for `feature_maps` are torchvision's
ResNet-18 and a small CNN with BatchNorm, randomly initialised from a fixed seed by
`cvgrade.nets.cnn`, built once in the submission's process and once here.

Tests run in file order, cheapest first, as a self-check mutant stops at its first failure:
conv_output_size, the MLP, count_parameters and feature_maps' clean-up rules, the layer
functions' results, feature maps against create_feature_extractor, gradients, ResNet-18.

Tolerances, one reason each:
- conv_output_size, count_parameters, max_pool2d indices: exact (integers).
- conv2d / conv_transpose2d outputs and all their gradients: "reduction". Each output and
  each input gradient sums at most 36 products, each weight gradient at most 140; a float32
  sum of n terms errs by up to n·eps·Σ|terms|, which the entry covers for n ~ 10^3.
- avg_pool2d and its gradient: "reduction", as a window sum may be taken in any order, even
  as differences of running sums over the whole plane (a summed-area table).
- im2col, max_pool2d values, max_unpool2d, upsample_nearest, and the gradients of all four:
  exact. They copy, compare and route input values; gradients add at most a few small
  integers, which every dtype represents exactly.
- MLP logits: "reduction" (dot products of up to 784 terms, float32 Linear layers).
- feature maps of the small CNN in float64: float64 (the same torch layers run on the same
  values; only the way the outputs are captured differs); in float32: "reduction" against
  the float64 reference (two convolutions of <= 54 terms, BatchNorm, pooling, a Linear
  layer). ResNet-18 runs in float32 on both sides and is held to float32: the same layers
  on the same float32 values (a float64 copy of its 11 M weights would double the cost of
  the costliest test and check nothing more).
"""

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn
from cvgrade.nets import cnn as nets
from cvgrade.structure import Layer, assert_layers
from reference import cnn as ref

TOPIC = "cnn"
_UNFOLD = ["torch.nn.functional.unfold", "torch._C._nn.im2col"]
_CONV = ["torch.nn.functional.conv2d", "torch.conv2d", "torch.convolution", "torch._convolution",
         "torch.nn.Conv2d.forward"]
REFERENCE_CALLS = {
    "im2col": _UNFOLD,
    "conv2d": _CONV + _UNFOLD,
    "conv_transpose2d": ["torch.nn.functional.conv_transpose2d", "torch.conv_transpose2d",
                         "torch.nn.ConvTranspose2d.forward", "torch.nn.functional.fold", "torch._C._nn.col2im",
                         "torch.nn.grad.conv2d_input", *_CONV],
    "max_pool2d": ["torch.nn.functional.max_pool2d", "torch.nn.functional.max_pool2d_with_indices",
                   "torch.max_pool2d", "torch._C._nn.max_pool2d_with_indices", "torch.nn.MaxPool2d.forward"],
    "avg_pool2d": ["torch.nn.functional.avg_pool2d", "torch._C._nn.avg_pool2d", "torch.nn.AvgPool2d.forward"],
    "max_unpool2d": ["torch.nn.functional.max_unpool2d", "torch._C._nn.max_unpool2d",
                     "torch.nn.MaxUnpool2d.forward"],
    "upsample_nearest": ["torch.nn.functional.interpolate", "torch.nn.functional.upsample",
                         "torch.nn.functional.upsample_nearest", "torch._C._nn.upsample_nearest2d",
                         "torch.nn.Upsample.forward"],
    "feature_maps": ["torchvision.models.feature_extraction.create_feature_extractor"],
}


def _every_case_in_float32_one_in_float64(cases, float64_case):
    """pytest params (case, dtype): each case in float32, then `float64_case` in float64 (ids 'case-float32')."""
    def param(case, dtype):
        values = case if isinstance(case, tuple) else (case,)
        return pytest.param(*values, dtype, id="-".join(map(str, values)) + "-" + str(dtype).removeprefix("torch."))
    return [param(case, torch.float32) for case in cases] + [param(float64_case, torch.float64)]


def _leaf(t):
    return None if t is None else t.clone().requires_grad_(True)


def _small_ints(shape, seed, dtype, device):
    """An upstream gradient of integers in [-4, 4]: sums of a few of them are exact in any order."""
    return randint(-4, 5, tuple(shape), seed=seed, device=device).to(dtype)


def _ties(shape, seed, dtype, device):
    """Values in {0, 1, 2}: most pooling windows hold their maximum more than once."""
    return randint(0, 3, tuple(shape), seed=seed, device=device).to(dtype)


def _check_grads(got, want, inputs, names, dtype, tol, what):
    """Compare the submission's input gradients (one per tensor input) with the reference's."""
    present = [(n, w) for n, w, t in zip(names, want, inputs) if t is not None]
    for g, (n, w) in zip(got.input_grads, present):
        assert g is not None, f"no gradient reached {n}: build {what} from differentiable torch operations"
        image = "BCHW" if w.dim() == 4 else None
        if tol == "exact":
            assert_equal(g, w.to(dtype), name=f"d {what} / d {n}", image=image)
        else:
            assert_close(g, w, dtype=dtype, tol=tol, name=f"d {what} / d {n}", image=image)


# -- conv_output_size --------------------------------------------------------------------------

OUTPUT_SIZE_CASES = {  # (size, kernel_size, stride, padding, dilation)
    "lenet_5x5": (28, 5, 1, 0, 1),
    "stride2_pad1": (32, 3, 2, 1, 1),
    "floor_not_ceil": (10, 3, 3, 0, 1),       # (10 - 3) / 3 = 2.33 -> 3 outputs
    "dilation_floor": (15, 3, 2, 2, 3),       # extent 7: (15 + 4 - 7) / 2 + 1 = 7
    "dilation_stride": (9, 2, 3, 1, 4),       # extent 5: (9 + 2 - 5) / 3 + 1 = 3
    "exactly_one": (5, 5, 2, 0, 1),           # the kernel just fits: one output
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", list(OUTPUT_SIZE_CASES))
def test_conv_output_size_matches_conv2d(submission, case):
    size, k, s, p, d = OUTPUT_SIZE_CASES[case]
    got = submission.call("conv_output_size", size, k, stride=s, padding=p, dilation=d)
    assert_equal(got, ref.conv_output_size(size, k, s, p, d), name=f"conv_output_size{OUTPUT_SIZE_CASES[case]}")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("args", [(4, 5, 1, 0, 1), (5, 3, 1, 0, 3), (1, 4, 1, 1, 1)],
                         ids=["kernel", "dilated", "padded"])
def test_conv_output_size_rejects_kernel_that_does_not_fit(submission, args):
    # output sizes 0, -1 and 0: the (dilated) kernel is larger than the padded input ("exactly_one" above: 1)
    size, k, s, p, d = args
    with pytest.raises(ValueError, match="kernel_size"):
        submission.call("conv_output_size", size, k, stride=s, padding=p, dilation=d)


@pytest.mark.points(1)
def test_conv_output_size_rejects_bad_hyper_parameters(submission):
    for name, kwargs in (("stride", {"stride": 0}), ("dilation", {"dilation": 0}), ("padding", {"padding": -1}),
                         ("kernel_size", {"kernel_size": 0})):
        with pytest.raises(ValueError, match=name):
            submission.call("conv_output_size", 16, **{"kernel_size": 3, **kwargs})


# -- MLP ---------------------------------------------------------------------------------------

MLP_CASES = {  # id: (sizes, input shape)
    "784-16-16-10": ((784, 16, 16, 10), (3, 1, 28, 28)),   # the lecture's network on MNIST-shaped images
    "12-7-3": ((12, 7, 3), (4, 3, 4)),
    "5-2": ((5, 2), (2, 5)),                               # a single Linear, no ReLU at all
}


def _mlp_layers(sizes):
    """The contract's layers: Linear (with bias) at even positions, one ReLU between each pair."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [Layer("Linear", in_features=n_in, out_features=n_out, bias=True), Layer("ReLU")]
    return layers[:-1]


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["784-16-16-10", "5-2"])
def test_mlp_net_is_a_sequential_of_linear_and_relu(submission, case):
    sizes, _ = MLP_CASES[case]
    modules = submission.new("MLP", sizes=sizes).modules()
    net = [m for m in modules if m["name"] == "net"]
    assert net and net[0]["type"] == "Sequential", "MLP needs an attribute `net`, an nn.Sequential"
    children = [m for m in modules if m["name"].count(".") == 1 and m["name"].startswith("net.")]
    names = [m["name"] for m in children]
    assert names == [f"net.{i}" for i in range(len(children))], \
        f"net's layers should be numbered 0, 1, ..., got {names}"
    assert_layers(children, _mlp_layers(sizes), "MLP.net (its registered layers, in order)", ignore=frozenset())


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["784-16-16-10", "5-2"])
def test_mlp_forward_runs_every_layer_of_net_in_order(submission, device, case):
    sizes, shape = MLP_CASES[case]
    model = submission.new("MLP", sizes=sizes).method("to", device)
    calls = model.trace(randn(*shape, seed=180, device=device))["calls"]
    assert_layers(calls, _mlp_layers(sizes), "MLP.forward (the layers as they ran)")
    ran = [c["name"] for c in calls if c["type"] in ("Linear", "ReLU")]
    assert ran == [f"net.{i}" for i in range(len(ran))], f"forward should run net.0, net.1, ... in order, ran {ran}"


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(MLP_CASES, "12-7-3"))
def test_mlp_logits(submission, device, dtype, case):
    sizes, shape = MLP_CASES[case]
    model = submission.new("MLP", sizes=sizes).method("to", device=device, dtype=dtype)
    x = randn(*shape, seed=190, dtype=dtype, device=device)
    logits = model(x)
    state = {k.removeprefix("net."): v for k, v in model.state_dict().items() if k.startswith("net.")}
    assert_close(logits, ref.mlp_logits(sizes, state, x.double()), dtype=dtype, tol="reduction",
                 name="MLP logits (no activation after the last Linear)")


@pytest.mark.points(1)
def test_mlp_rejects_bad_input(submission, device):
    for sizes in ((784,), (784, 0, 10)):  # fewer than two widths; a width below 1
        with pytest.raises(ValueError, match="sizes"):
            submission.new("MLP", sizes=sizes)
    model = submission.new("MLP", sizes=(784, 16, 10)).method("to", device)
    with pytest.raises(ValueError, match=r"\bx\b"):  # 14×14 images hold 196 values, not 784
        model(randn(2, 1, 14, 14, seed=195, device=device))


# -- count_parameters --------------------------------------------------------------------------

def _sequential(submission, *layers):
    """nn.Sequential of trusted layers [(dotted class, args)], built in the submission's process."""
    return submission.build("torch.nn.Sequential", *(submission.build(name, *args) for name, args in layers))


LECTURE_MLP = [("torch.nn.Linear", (784, 16)), ("torch.nn.ReLU", ()), ("torch.nn.Linear", (16, 16)),
               ("torch.nn.ReLU", ()), ("torch.nn.Linear", (16, 10))]


@pytest.mark.points(1)
def test_count_parameters_of_the_lecture_mlp(submission):
    model = _sequential(submission, *LECTURE_MLP)
    local = torch.nn.Sequential(torch.nn.Linear(784, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 10))
    assert_equal(submission.call("count_parameters", model), ref.count_parameters(local),
                 name="count_parameters of the 784-16-16-10 MLP")


@pytest.mark.points(1)
@pytest.mark.parametrize("trainable_only", [True, False])
def test_count_parameters_with_a_frozen_layer(submission, trainable_only):
    frozen = submission.build("torch.nn.Linear", 10, 5).method("requires_grad_", False)
    model = submission.build("torch.nn.Sequential", frozen, submission.build("torch.nn.ReLU"),
                             submission.build("torch.nn.Linear", 5, 3))
    local = torch.nn.Sequential(torch.nn.Linear(10, 5).requires_grad_(False), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    assert_equal(submission.call("count_parameters", model, trainable_only=trainable_only),
                 ref.count_parameters(local, trainable_only),
                 name=f"count_parameters(trainable_only={trainable_only}) with the first Linear frozen")


@pytest.mark.points(1)
def test_count_parameters_skips_buffers_and_counts_shared_layers_once(submission):
    shared = submission.build("torch.nn.Linear", 6, 6)
    model = submission.build("torch.nn.Sequential", submission.build("torch.nn.Conv2d", 3, 6, 3),
                             submission.build("torch.nn.BatchNorm2d", 6), shared, submission.build("torch.nn.ReLU"),
                             shared)
    local_shared = torch.nn.Linear(6, 6)
    local = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3), torch.nn.BatchNorm2d(6), local_shared, torch.nn.ReLU(),
                                local_shared)
    assert_equal(submission.call("count_parameters", model), ref.count_parameters(local),
                 name="count_parameters of Conv2d, BatchNorm2d (its running statistics are buffers) and one "
                      "Linear used twice")


# -- feature_maps: gradients, hooks and training flags -------------------------------------------

SMALL_LAYERS = ["conv1", "bn1", "pool", "block.0", "block.1", "block", "gap", "fc"]
RESNET_LAYERS = ["conv1", "maxpool", "layer1", "layer2.0.downsample", "layer3.1.conv2", "layer4", "avgpool", "fc"]


def _small(submission, device, dtype, training=True, eval_modules=()):
    """The small CNN in the submission's process (in train mode or not, `eval_modules` in eval), and the same
    model here in float64."""
    model = submission.build("cvgrade.nets.cnn.small_cnn", seed=3, eval_modules=eval_modules)
    model.method("to", device=device, dtype=dtype)
    local = nets.small_cnn(seed=3, eval_modules=eval_modules).to(device=device, dtype=torch.float64)
    if not training:
        model.method("eval")
        local.eval()
    return model, local


def _audit(submission, model):
    """What feature_maps must leave as it found it, read in the submission's process; and the flags now."""
    audit = submission.build("cvgrade.nets.cnn.ModelAudit", model)
    return audit, audit.method("training_flags")


def _assert_left_as_found(audit, flags_before, when):
    assert_equal(audit.method("hooks_left"), 0, name=f"hooks left on the model {when}")
    assert_equal(audit.method("training_flags"), flags_before, name=f"training flags {when} (True: train mode)")


def _check_maps(maps, want, names, dtype, tol=None):
    assert type(maps) is dict, f"feature_maps should return a dict, got {type(maps).__name__}"
    assert list(maps) == list(names), f"feature_maps keys should be layer_names in order {names}, got {list(maps)}"
    for name in names:
        image = "BCHW" if want[name].dim() == 4 else None
        assert_close(maps[name], want[name], dtype=dtype, tol=tol, name=f"feature map {name!r}", image=image)


@pytest.mark.points(1)
def test_feature_maps_without_gradients(submission, device):
    model, local = _small(submission, device, torch.float32)
    x = randn(2, 3, 8, 8, seed=220, device=device)
    maps = submission.call("feature_maps", model, x.clone().requires_grad_(), SMALL_LAYERS)
    _check_maps(maps, ref.feature_maps(local, x.double(), SMALL_LAYERS), SMALL_LAYERS, torch.float32, tol="reduction")
    tracked = [name for name, t in maps.items() if t.requires_grad]
    assert not tracked, f"feature maps {tracked} require grad: run the model under torch.no_grad()"


@pytest.mark.points(1)
def test_feature_maps_leaves_an_eval_model_as_it_found_it(submission, device):
    model, local = _small(submission, device, torch.float32, training=False)
    audit, before = _audit(submission, model)
    x, layers = randn(2, 3, 8, 8, seed=230, device=device), ["conv1", "block.0", "block"]
    maps = submission.call("feature_maps", model, x, layers)
    _assert_left_as_found(audit, before, "after feature_maps (the model was in eval mode)")
    _check_maps(maps, ref.feature_maps(local, x.double(), layers), layers, torch.float32, tol="reduction")


@pytest.mark.points(1)
def test_feature_maps_leaves_mixed_training_flags_as_it_found_them(submission, device):
    # a model in train mode with a frozen BatchNorm in eval mode, as fine-tuning often keeps it
    model, local = _small(submission, device, torch.float32, eval_modules=("block.1",))
    audit, before = _audit(submission, model)
    x = randn(2, 3, 8, 8, seed=240, device=device)
    maps = submission.call("feature_maps", model, x, SMALL_LAYERS)
    _assert_left_as_found(audit, before, "after feature_maps (block.1 was in eval mode, the rest in train mode)")
    _check_maps(maps, ref.feature_maps(local, x.double(), SMALL_LAYERS), SMALL_LAYERS, torch.float32, tol="reduction")


@pytest.mark.points(1)
def test_feature_maps_rejects_unknown_layer_and_cleans_up(submission, device):
    model, _ = _small(submission, device, torch.float32)
    audit, before = _audit(submission, model)
    with pytest.raises(ValueError, match=r"block\.7"):
        submission.call("feature_maps", model, randn(2, 3, 8, 8, seed=250, device=device),
                        ["conv1", "block.0", "block.7"])
    _assert_left_as_found(audit, before, "after the ValueError")


@pytest.mark.points(1)
def test_feature_maps_cleans_up_when_the_model_raises(submission, device):
    model, _ = _small(submission, device, torch.float32)
    audit, before = _audit(submission, model)
    # 4 channels into conv1, which expects 3: conv1 raises "... to have 3 channels, but got 4 channels instead"
    with pytest.raises(RuntimeError, match="channels"):
        submission.call("feature_maps", model, randn(2, 4, 8, 8, seed=260, device=device), ["conv1", "block"])
    _assert_left_as_found(audit, before, "after the forward pass raised")


# -- im2col ------------------------------------------------------------------------------------

IM2COL_CASES = {  # (x shape, kwargs)
    "3x3": ((2, 3, 6, 7), dict(kernel_size=3)),
    "pair_stride_padding": ((1, 2, 8, 9), dict(kernel_size=(2, 3), stride=(2, 1), padding=(1, 0))),
    "dilation": ((2, 2, 9, 8), dict(kernel_size=(3, 2), stride=2, padding=1, dilation=(2, 3))),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(IM2COL_CASES, "dilation"))
def test_im2col_matches_unfold(submission, device, dtype, case):
    shape, kwargs = IM2COL_CASES[case]
    x = randn(*shape, seed=10, dtype=dtype, device=device)
    got = submission.call("im2col", x, **kwargs)
    assert_equal(got, ref.im2col(x.double(), **kwargs).to(dtype), name="im2col columns")


@pytest.mark.points(1)
def test_im2col_rejects_bad_input(submission, device):
    with pytest.raises(ValueError, match=r"\bx\b"):
        submission.call("im2col", randn(3, 6, 6, seed=12, device=device), 3)
    with pytest.raises(ValueError, match="kernel_size"):  # a 7×7 kernel does not fit a 6×6 image
        submission.call("im2col", randn(1, 3, 6, 6, seed=12, device=device), 7)


# -- conv2d ------------------------------------------------------------------------------------

CONV_CASES = {  # (x shape, weight shape, with bias, kwargs)
    "3x3": ((2, 3, 9, 9), (4, 3, 3, 3), True, {}),
    "non_square_asymmetric": ((2, 3, 10, 11), (5, 3, 3, 2), True, dict(stride=(2, 1), padding=(1, 2))),
    "dilation": ((1, 2, 12, 10), (3, 2, 3, 3), True, dict(stride=(1, 2), padding=2, dilation=(2, 3))),
    "groups": ((2, 4, 8, 8), (6, 2, 3, 3), True, dict(stride=2, padding=1, groups=2)),
    "depthwise": ((2, 3, 7, 9), (6, 1, 3, 3), True, dict(padding=(0, 1), groups=3)),
    "pointwise_no_bias": ((3, 4, 6, 5), (2, 4, 1, 1), False, dict(stride=2)),
}


def _conv_inputs(case, cases, dtype, device, seed):
    x_shape, w_shape, with_bias, kwargs = cases[case]
    x = randn(*x_shape, seed=seed, dtype=dtype, device=device)
    weight = randn(*w_shape, seed=seed + 1, dtype=dtype, device=device)
    channels = w_shape[0] if cases is CONV_CASES else w_shape[1]
    bias = randn(channels, seed=seed + 2, dtype=dtype, device=device) if with_bias else None
    return x, weight, bias, kwargs


def _double(tensors):
    return [None if t is None else t.double() for t in tensors]


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(CONV_CASES, "groups"))
def test_conv2d_matches_torch(submission, device, dtype, case):
    x, weight, bias, kwargs = _conv_inputs(case, CONV_CASES, dtype, device, 20)
    got = submission.call("conv2d", x, weight, bias, **kwargs)
    want = ref.conv2d(*_double([x, weight, bias]), **kwargs)
    assert_close(got, want, dtype=dtype, tol="reduction", name="conv2d output", image="BCHW")


CONV_BAD_INPUT = {"x_not_4d": r"\bx\b", "weight_channels": "weight", "groups": "groups", "bias": "bias"}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", list(CONV_BAD_INPUT))
def test_conv2d_rejects_bad_input(submission, device, case):
    x, weight, bias = randn(2, 4, 6, 6, seed=40, device=device), randn(6, 2, 3, 3, seed=41, device=device), None
    kwargs = {"groups": 2}
    if case == "x_not_4d":
        x = x[0]
    elif case == "weight_channels":      # 4 input channels in 2 groups need weight.shape[1] == 2
        weight = randn(6, 4, 3, 3, seed=41, device=device)
    elif case == "groups":               # 3 groups do not divide 4 input channels
        kwargs = {"groups": 3}
        weight = randn(6, 1, 3, 3, seed=41, device=device)
    else:
        bias = randn(5, seed=42, device=device)
    with pytest.raises(ValueError, match=CONV_BAD_INPUT[case]):  # the message names the parameter
        submission.call("conv2d", x, weight, bias, **kwargs)


# -- conv_transpose2d --------------------------------------------------------------------------

TRANSPOSED_CASES = {  # (x shape, weight shape (C_in, C_out, kH, kW), with bias, kwargs)
    "3x3": ((2, 3, 5, 5), (3, 4, 3, 3), True, {}),
    "dcgan_upsample": ((1, 3, 4, 6), (3, 2, 4, 4), True, dict(stride=2, padding=1)),
    "output_padding_asymmetric": ((2, 2, 4, 5), (2, 3, 3, 2), True, dict(stride=(2, 3), padding=(1, 0),
                                                                          output_padding=(1, 2))),
    "no_bias": ((2, 4, 3, 3), (4, 1, 2, 2), False, dict(stride=2, output_padding=1)),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(TRANSPOSED_CASES,
                                                                              "output_padding_asymmetric"))
def test_conv_transpose2d_matches_torch(submission, device, dtype, case):
    x, weight, bias, kwargs = _conv_inputs(case, TRANSPOSED_CASES, dtype, device, 50)
    got = submission.call("conv_transpose2d", x, weight, bias, **kwargs)
    want = ref.conv_transpose2d(*_double([x, weight, bias]), **kwargs)
    assert_close(got, want, dtype=dtype, tol="reduction", name="conv_transpose2d output", image="BCHW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", ["output_padding", "weight"])
def test_conv_transpose2d_rejects_bad_input(submission, device, case):
    x = randn(1, 3, 4, 4, seed=70, device=device)
    if case == "output_padding":   # output_padding must be smaller than the stride ("no_bias" above: 1 < 2)
        args, kwargs = (x, randn(3, 2, 3, 3, seed=71, device=device)), dict(stride=2, output_padding=2)
    else:                          # weight is (C_in, C_out, kH, kW): C_in = 3, not 2
        args, kwargs = (x, randn(2, 3, 3, 3, seed=71, device=device)), {}
    with pytest.raises(ValueError, match=case):
        submission.call("conv_transpose2d", *args, **kwargs)


# -- max_pool2d and avg_pool2d -----------------------------------------------------------------

POOL_CASES = {  # (x shape, kwargs)
    "2x2_default_stride": ((2, 3, 8, 8), dict(kernel_size=2)),
    "3x3_overlap_padded": ((1, 2, 9, 10), dict(kernel_size=3, stride=2, padding=1)),
    "non_square_asymmetric": ((2, 2, 7, 8), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0))),
}


def _pool_input(case, seed, dtype, device, kind="normal"):
    """randn; "negative": every value below 0, as before a ReLU, so zero padding would win windows;
    "ties": values in {0, 1, 2}."""
    shape, kwargs = POOL_CASES[case]
    if kind == "ties":
        return _ties(shape, seed, dtype, device), kwargs
    x = randn(*shape, seed=seed, dtype=dtype, device=device)
    return (-(x.abs() + 0.1) if kind == "negative" else x), kwargs


MAX_POOL_CASES = [(case, "normal") for case in POOL_CASES] + [(case, "negative") for case in POOL_CASES
                                                               if POOL_CASES[case][1].get("padding")]


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,kind,dtype", _every_case_in_float32_one_in_float64(
    MAX_POOL_CASES, ("3x3_overlap_padded", "negative")))
def test_max_pool2d_matches_torch(submission, device, dtype, case, kind):
    x, kwargs = _pool_input(case, 80, dtype, device, kind)
    values, indices = submission.call("max_pool2d", x, return_indices=True, **kwargs)
    want_values, want_indices = ref.max_pool2d(x.double(), **kwargs)
    assert_equal(values, want_values.to(dtype), name="max_pool2d values", image="BCHW")
    assert_equal(indices, want_indices, name="max_pool2d indices", image="BCHW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", ["2x2_default_stride", "3x3_overlap_padded"])
def test_max_pool2d_ties_pick_the_first_maximum(submission, device, case):
    x, kwargs = _pool_input(case, 85, torch.float32, device, "ties")
    values, indices = submission.call("max_pool2d", x, return_indices=True, **kwargs)
    want_values, want_indices = ref.max_pool2d(x.double(), **kwargs)
    assert_equal(values, want_values.float(), name="max_pool2d values", image="BCHW")
    assert_equal(indices, want_indices, name="max_pool2d indices on ties (first maximum in row-major order)",
                 image="BCHW")


@pytest.mark.points(0.5)
def test_max_pool2d_without_indices_returns_a_tensor(submission, device):
    x = randn(1, 2, 6, 6, seed=86, device=device)
    got = submission.call("max_pool2d", x, 3, stride=2, padding=1)
    assert_equal(got, ref.max_pool2d(x.double(), 3, stride=2, padding=1)[0].float(),
                 name="max_pool2d(x, 3, stride=2, padding=1)", image="BCHW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("fn", ["max_pool2d", "avg_pool2d"])
def test_pooling_rejects_padding_over_half_the_kernel(submission, device, fn):
    # kernel 3 allows padding 1 (the padded cases above), not 2
    with pytest.raises(ValueError, match="padding"):
        submission.call(fn, randn(1, 1, 8, 8, seed=95, device=device), 3, padding=2)


AVG_CASES = [("2x2_default_stride", True), ("3x3_overlap_padded", True), ("3x3_overlap_padded", False),
             ("non_square_asymmetric", True), ("non_square_asymmetric", False)]


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,count_include_pad,dtype", _every_case_in_float32_one_in_float64(
    AVG_CASES, ("non_square_asymmetric", False)))
def test_avg_pool2d_matches_torch(submission, device, dtype, case, count_include_pad):
    x, kwargs = _pool_input(case, 100, dtype, device)
    got = submission.call("avg_pool2d", x, count_include_pad=count_include_pad, **kwargs)
    want = ref.avg_pool2d(x.double(), count_include_pad=count_include_pad, **kwargs)
    assert_close(got, want, dtype=dtype, tol="reduction", name=f"avg_pool2d(count_include_pad={count_include_pad})",
                 image="BCHW")


# -- max_unpool2d ------------------------------------------------------------------------------

UNPOOL_CASES = {  # (input shape, pooling kwargs, output_size given as)
    "2x2": ((2, 3, 8, 8), dict(kernel_size=2), "pair"),
    "odd_size": ((1, 2, 7, 9), dict(kernel_size=2), "pair"),
    "non_square_full_shape": ((2, 2, 6, 9), dict(kernel_size=(2, 3)), "shape"),
    "padded": ((1, 2, 8, 7), dict(kernel_size=3, stride=3, padding=1), "pair"),
}


def _pooled(case, seed, dtype, device):
    """(pooled values, indices, output_size, pooling kwargs) of non-overlapping max pooling."""
    shape, kwargs, given = UNPOOL_CASES[case]
    x = randn(*shape, seed=seed, dtype=torch.float64, device=device)
    values, indices = ref.max_pool2d(x, **kwargs)
    size = torch.Size(shape) if given == "shape" else tuple(shape[2:])
    return values.to(dtype), indices, size, kwargs


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(UNPOOL_CASES, "padded"))
def test_max_unpool2d_matches_torch(submission, device, dtype, case):
    values, indices, size, kwargs = _pooled(case, 120, dtype, device)
    got = submission.call("max_unpool2d", values, indices, size)
    want = ref.max_unpool2d(values.double(), indices, size, **kwargs).to(dtype)
    assert_equal(got, want, name=f"max_unpool2d(..., output_size={tuple(size)})", image="BCHW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case", ["shape", "past_the_end", "negative"])
def test_max_unpool2d_rejects_bad_indices(submission, device, case):
    values, indices, size, _ = _pooled("2x2", 140, torch.float32, device)
    if case == "shape":
        indices = indices[:, :, :-1]
    else:
        indices = indices.clone()
        indices[0, 0, 0, 0] = 64 if case == "past_the_end" else -1  # an 8×8 plane holds indices 0 ... 63
    with pytest.raises(ValueError, match="indices"):
        submission.call("max_unpool2d", values, indices, size)


# -- upsample_nearest --------------------------------------------------------------------------

UPSAMPLE_CASES = {1: (2, 1, 3, 4), 2: (2, 3, 4, 5), 3: (1, 2, 3, 3)}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("scale,dtype", _every_case_in_float32_one_in_float64(UPSAMPLE_CASES, 3))
def test_upsample_nearest_matches_interpolate(submission, device, dtype, scale):
    x = randn(*UPSAMPLE_CASES[scale], seed=150, dtype=dtype, device=device)
    got = submission.call("upsample_nearest", x, scale)
    assert_equal(got, ref.upsample_nearest(x.double(), scale).to(dtype), name=f"upsample_nearest(x, {scale})",
                 image="BCHW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("scale", [0, -2, 1.5], ids=["zero", "negative", "fraction"])
def test_upsample_nearest_rejects_bad_scale(submission, device, scale):
    with pytest.raises(ValueError, match="scale_factor"):
        submission.call("upsample_nearest", randn(1, 1, 3, 3, seed=170, device=device), scale)


# -- feature_maps against create_feature_extractor ---------------------------------------------


@pytest.mark.points(0.5)
@pytest.mark.parametrize("training,dtype", _every_case_in_float32_one_in_float64(["eval_mode", "train_mode"],
                                                                               "train_mode"))
def test_feature_maps_of_a_small_cnn(submission, device, dtype, training):
    # in train mode BatchNorm normalises with the batch's statistics: the model must run in the mode it is in
    model, local = _small(submission, device, dtype, training == "train_mode")
    x = randn(4, 3, 12, 10, seed=210, dtype=dtype, device=device)
    maps = submission.call("feature_maps", model, x, SMALL_LAYERS)
    _check_maps(maps, ref.feature_maps(local, x.double(), SMALL_LAYERS), SMALL_LAYERS, dtype,
                tol="reduction" if dtype == torch.float32 else None)


@pytest.mark.points(0.5)
def test_feature_maps_with_a_frozen_batchnorm(submission, device):
    # block.1 normalises with its running statistics, bn1 with the batch's
    model, local = _small(submission, device, torch.float64, eval_modules=("block.1",))
    x = randn(4, 3, 12, 10, seed=245, dtype=torch.float64, device=device)
    maps = submission.call("feature_maps", model, x, SMALL_LAYERS)
    _check_maps(maps, ref.feature_maps(local, x, SMALL_LAYERS), SMALL_LAYERS, torch.float64)


# -- gradients (after all results: a wrong result fails before the costlier backward passes run) ----


@pytest.mark.points(0.5)
def test_im2col_gradient(submission, device):
    # overlapping windows: each input pixel's gradient adds the upstream values of every column it appears in
    shape, kwargs = IM2COL_CASES["dilation"]
    x = randn(*shape, seed=11, device=device)
    g = _small_ints(ref.im2col(x, **kwargs).shape, 14, torch.float32, device)
    got = submission.grad("im2col", _leaf(x), grad_output=g, **kwargs)
    _, want = ref.with_grads(ref.im2col, [x.double()], g.double(), **kwargs)
    _check_grads(got, want, [x], ["x"], torch.float32, "exact", "im2col")


def _check_conv_gradients(submission, name, reference, x, weight, bias, kwargs, seed):
    """Input, weight and bias gradients of `name` against `reference`'s in float64, for upstream randn(seed)."""
    inputs = [x, weight, bias]
    g = randn(*reference(x, weight, bias, **kwargs).shape, seed=seed, dtype=x.dtype, device=x.device)
    got = submission.grad(name, *map(_leaf, inputs), grad_output=g, **kwargs)
    _, want = ref.with_grads(reference, _double(inputs), g.double(), **kwargs)
    _check_grads(got, want, inputs, ["x", "weight", "bias"], x.dtype, "reduction", name)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(["dilation", "groups"],
                                                                              "non_square_asymmetric"))
def test_conv2d_gradients(submission, device, dtype, case):
    _check_conv_gradients(submission, "conv2d", ref.conv2d, *_conv_inputs(case, CONV_CASES, dtype, device, 30), seed=33)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(
    ["dcgan_upsample", "output_padding_asymmetric"], "no_bias"))
def test_conv_transpose2d_gradients(submission, device, dtype, case):
    _check_conv_gradients(submission, "conv_transpose2d", ref.conv_transpose2d,
                          *_conv_inputs(case, TRANSPOSED_CASES, dtype, device, 60), seed=63)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("case,dtype", _every_case_in_float32_one_in_float64(POOL_CASES, "3x3_overlap_padded"))
def test_max_pool2d_gradient_reaches_the_first_maximum(submission, device, dtype, case):
    # inputs full of ties: the gradient of each window goes to its first maximum alone, never split among them
    x, kwargs = _pool_input(case, 90, dtype, device, "ties")
    g = _small_ints(ref.max_pool2d(x, **kwargs)[0].shape, 93, dtype, device)
    got = submission.grad("max_pool2d", _leaf(x), grad_output=g, **kwargs)
    _, want = ref.with_grads(lambda t, **kw: ref.max_pool2d(t, **kw)[0], [x.double()], g.double(), **kwargs)
    _check_grads(got, want, [x], ["x"], dtype, "exact", "max_pool2d")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("count_include_pad,dtype", _every_case_in_float32_one_in_float64([True, False], False))
def test_avg_pool2d_gradient(submission, device, dtype, count_include_pad):
    x, kwargs = _pool_input("3x3_overlap_padded", 110, dtype, device)
    kwargs = dict(kwargs, count_include_pad=count_include_pad)
    g = _small_ints(ref.avg_pool2d(x, **kwargs).shape, 113, dtype, device)
    got = submission.grad("avg_pool2d", _leaf(x), grad_output=g, **kwargs)
    _, want = ref.with_grads(ref.avg_pool2d, [x.double()], g.double(), **kwargs)
    _check_grads(got, want, [x], ["x"], dtype, "reduction", "avg_pool2d")


@pytest.mark.points(0.5)
def test_max_unpool2d_gradient(submission, device):
    values, indices, size, kwargs = _pooled("odd_size", 130, torch.float32, device)
    g = randn(*values.shape[:2], *size, seed=133, device=device)  # a gather: exact for any values
    got = submission.grad("max_unpool2d", _leaf(values), indices, size, grad_output=g)
    _, want = ref.with_grads(lambda t: ref.max_unpool2d(t, indices, size, **kwargs), [values.double()], g.double())
    _check_grads(got, want, [values], ["x"], torch.float32, "exact", "max_unpool2d")


@pytest.mark.points(0.5)
def test_upsample_nearest_gradient(submission, device):
    # each input pixel's gradient is the sum of its 3×3 block of upstream values
    x = randn(*UPSAMPLE_CASES[3], seed=160, device=device)
    g = _small_ints(ref.upsample_nearest(x, 3).shape, 163, torch.float32, device)
    got = submission.grad("upsample_nearest", _leaf(x), 3, grad_output=g)
    _, want = ref.with_grads(ref.upsample_nearest, [x.double()], g.double(), scale_factor=3)
    _check_grads(got, want, [x], ["x"], torch.float32, "exact", "upsample_nearest")


# -- feature_maps of a ResNet-18 (last: the costliest test) ----------------------------------------


@pytest.mark.points(2)
def test_feature_maps_of_resnet18(submission, device):
    # last in the file: the costliest test (two ResNet-18 forward passes and an FX trace); train and eval
    # mode, mixed flags, float64 and every clean-up rule are checked on the small CNN above
    model = submission.build("cvgrade.nets.cnn.resnet18", seed=0).method("to", device)
    model.method("eval")
    local = nets.resnet18(seed=0).to(device).eval()
    x = randn(1, 3, 32, 32, seed=200, device=device)
    maps = submission.call("feature_maps", model, x, RESNET_LAYERS)
    _check_maps(maps, ref.feature_maps(local, x, RESNET_LAYERS), RESNET_LAYERS, torch.float32)
