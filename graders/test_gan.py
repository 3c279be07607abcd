"""Hidden graders for `gan` (spec §4), against F.binary_cross_entropy_with_logits and torch.autograd in float64.

Seeds are fixed per case and appear in the test ids; each input tensor of a case
uses its own seed. Networks are built small (ngf/ndf 4-8) to keep grading fast;
their forward passes are checked for shape, range and structure, not against
fixed weights, since the spec does not fix the students' layer names.
"""

import functools

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import rand, randint, randn
from cvgrade.structure import POOLING, Layer, assert_activation, assert_layers, assert_none_of, layers, leaky_relu
from reference import gan as ref

TOPIC = "gan"
GRADED_ALIASES = {"dcgan_init": "dcgan_weights_init", "label_smoothing": "discriminator_loss"}  # test-name prefixes -> the graded name they check (feedback groups)
_BCE_WITH_LOGITS = ["torch.nn.functional.binary_cross_entropy_with_logits", "torch.binary_cross_entropy_with_logits"]
REFERENCE_CALLS = {"discriminator_loss": _BCE_WITH_LOGITS, "generator_loss": _BCE_WITH_LOGITS}

DTYPES = [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")]
KINDS = ["non_saturating", "minimax"]
# Logits a confident discriminator produces: where sigmoid(x) rounds to 0 or 1 in float32 (|x| > 17)
# and float64 (|x| > 37), probabilities lose the loss; logits keep it.
EXTREME = [100.0, -100.0, 60.0, -60.0, 30.0, -30.0, 0.5, -2.0]


def _logits(n, seed, dtype, device, scale=4.0):
    """Logits spread over about ±12, as a trained discriminator gives."""
    return scale * randn(n, seed=seed, dtype=dtype, device=device)


# -- discriminator_loss ----------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("real_label", [1.0, 0.9])
def test_discriminator_loss_matches_bce_with_logits(submission, device, dtype, real_label):
    real, fake = _logits(8, 0, dtype, device), _logits(5, 1, dtype, device)  # batches of different sizes
    loss = submission.call("discriminator_loss", real, fake, real_label=real_label)
    assert_close(loss, ref.discriminator_loss(real.double(), fake.double(), real_label), dtype=dtype,
                 name="discriminator_loss", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_discriminator_loss_on_column_logits(submission, device, dtype):
    # D often returns (B, 1); the loss averages over every logit whatever the shape
    real, fake = _logits(6, 10, dtype, device).reshape(6, 1), _logits(6, 11, dtype, device).reshape(6, 1)
    loss = submission.call("discriminator_loss", real, fake)
    assert_close(loss, ref.discriminator_loss(real.double(), fake.double(), 1.0), dtype=dtype,
                 name="discriminator_loss", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_discriminator_loss_finite_for_extreme_logits(submission, device, dtype):
    logits = torch.tensor(EXTREME, dtype=dtype, device=device)
    for real_label in (1.0, 0.8):
        loss = submission.call("discriminator_loss", logits, logits.flip(0), real_label=real_label)
        assert_close(loss, ref.discriminator_loss(logits.double(), logits.flip(0).double(), real_label), dtype=dtype,
                     name=f"discriminator_loss(real_label={real_label}) for logits ±100", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_label_smoothing_is_one_sided(submission, device, dtype):
    # the gradient with respect to the fake logits must not depend on real_label; the real one must match BCE
    real, fake = _logits(7, 20, dtype, device), _logits(7, 21, dtype, device)
    for real_label in (1.0, 0.7):
        got = submission.grad("discriminator_loss", real.clone().requires_grad_(), fake.clone().requires_grad_(),
                              real_label=real_label)
        leaves = real.double().requires_grad_(), fake.double().requires_grad_()
        want = torch.autograd.grad(ref.discriminator_loss(*leaves, real_label), leaves)
        assert_close(got.input_grads[0], want[0], dtype=dtype, name=f"d loss / d real_logits (real_label={real_label})")
        assert_close(got.input_grads[1], want[1], dtype=dtype, name=f"d loss / d fake_logits (real_label={real_label})")


@pytest.mark.points(1)
@pytest.mark.parametrize("real_label", [1.5, -0.1])
def test_discriminator_loss_rejects_label_outside_unit_interval(submission, device, real_label):
    with pytest.raises(ValueError):
        submission.call("discriminator_loss", _logits(4, 30, torch.float32, device), _logits(4, 31, torch.float32, device),
                        real_label=real_label)


# -- generator_loss --------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_generator_loss_matches_reference(submission, device, dtype, kind):
    for seed, shape in ((40, (9,)), (41, (6, 1))):
        fake = _logits(9 if shape == (9,) else 6, seed, dtype, device).reshape(shape)
        loss = submission.call("generator_loss", fake, kind=kind)
        assert_close(loss, ref.generator_loss(fake.double(), kind), dtype=dtype, name=f"generator_loss {kind}",
                     tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", KINDS)
def test_generator_loss_gradient(submission, device, dtype, kind):
    # non_saturating: d/dx = -(1 - σ(x)) / B, strong where D rejects the fake; minimax: -σ(x) / B, vanishing there
    fake = _logits(8, 50, dtype, device)
    got = submission.grad("generator_loss", fake.clone().requires_grad_(), kind=kind)
    leaf = fake.double().requires_grad_()
    (want,) = torch.autograd.grad(ref.generator_loss(leaf, kind), leaf)
    assert_close(got.input_grads[0], want, dtype=dtype, name=f"d generator_loss({kind}) / d fake_logits")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_generator_loss_finite_for_extreme_logits(submission, device, dtype):
    fake = torch.tensor(EXTREME, dtype=dtype, device=device)
    for kind in KINDS:
        loss = submission.call("generator_loss", fake, kind=kind)
        assert_close(loss, ref.generator_loss(fake.double(), kind), dtype=dtype,
                     name=f"generator_loss({kind}) for logits ±100", tol="reduction")


@pytest.mark.points(1)
def test_generator_loss_rejects_unknown_kind(submission, device):
    with pytest.raises(ValueError):
        submission.call("generator_loss", _logits(4, 60, torch.float32, device), kind="wasserstein")


# -- dcgan_weights_init ----------------------------------------------------------------------

N_BN = 4096


def _init_target(submission):
    """A Sequential with 1,048,576-weight Conv2d and ConvTranspose2d, BatchNorm2d/1d of N_BN channels, a Linear."""
    layers = [("torch.nn.Conv2d", (256, 256, 4)), ("torch.nn.ConvTranspose2d", (256, 256, 4)),
              ("torch.nn.BatchNorm2d", (N_BN,)), ("torch.nn.BatchNorm1d", (N_BN,)), ("torch.nn.Linear", (64, 64))]
    return submission.build("torch.nn.Sequential", *(submission.build(name, *args) for name, args in layers))


@functools.cache  # one initialisation per submission: every build starts from seed 0, so each would be the same
def _initialised(submission):
    """(state dict before, state dict after model.apply(dcgan_weights_init)); BatchNorm biases start non-zero."""
    model = _init_target(submission)
    before = model.state_dict()
    for key in ("2.bias", "3.bias"):
        before[key] = torch.full_like(before[key], 0.5)
    model.load_state_dict(before)
    model.method("apply", submission.func("dcgan_weights_init"))
    return before, model.state_dict()


def _assert_normal(values, mean, std, name):
    """Sample mean and std of n draws within 5 standard errors: std/√n for the mean, std/√(2n) for the std."""
    values = values.double().flatten().cpu()
    n = values.numel()
    got_mean, got_std = values.mean().item(), values.std().item()
    assert abs(got_mean - mean) < 5 * std / n ** 0.5, f"{name}: mean should be {mean}, got {got_mean:.5f}"
    assert abs(got_std - std) < 5 * std / (2 * n) ** 0.5, f"{name}: std should be {std}, got {got_std:.5f}"


@pytest.mark.points(2)
@pytest.mark.parametrize("layer", ["0", "1"], ids=["Conv2d", "ConvTranspose2d"])
def test_dcgan_init_conv_weights(submission, layer):
    # n = 1,048,576 weights: the mean within 5·0.02/√n ≈ 1e-4 of 0, the std within 5·0.02/√(2n) ≈ 7e-5 of 0.02
    _, after = _initialised(submission)
    _assert_normal(after[f"{layer}.weight"], 0.0, 0.02, "conv weight")


@pytest.mark.points(1)
@pytest.mark.parametrize("layer", ["2", "3"], ids=["BatchNorm2d", "BatchNorm1d"])
def test_dcgan_init_batchnorm(submission, layer):
    # n = 4096 weights: the mean within 5·0.02/√n ≈ 1.6e-3 of 1, the std within 5·0.02/√(2n) ≈ 1.1e-3 of 0.02
    _, after = _initialised(submission)
    _assert_normal(after[f"{layer}.weight"], 1.0, 0.02, "BatchNorm weight")
    assert_equal(after[f"{layer}.bias"], torch.zeros(N_BN), name="BatchNorm bias")


@pytest.mark.points(1)
def test_dcgan_init_leaves_other_modules_alone(submission):
    before, after = _initialised(submission)
    assert not torch.equal(after["0.weight"], before["0.weight"]), "dcgan_weights_init left the Conv2d weight unchanged"
    assert_equal(after["4.weight"], before["4.weight"], name="Linear weight (not a Conv or BatchNorm)")
    assert_equal(after["4.bias"], before["4.bias"], name="Linear bias")


# -- Generator and Discriminator -------------------------------------------------------------

def _scale_weights(handle, module_type, factor):
    """Multiply the weight of every `module_type` submodule by `factor`, through the state dict."""
    state = handle.state_dict()
    for m in handle.modules():
        if m["type"] == module_type:
            state[f"{m['name']}.weight"] = state[f"{m['name']}.weight"] * factor
    handle.load_state_dict(state)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nz,ngf,nc", [(16, 8, 3), (32, 4, 1)])
def test_generator_output(submission, device, dtype, nz, ngf, nc):
    g = submission.new("Generator", nz=nz, ngf=ngf, nc=nc).method("to", device=device, dtype=dtype)
    images = g(randn(3, nz, 1, 1, seed=70, dtype=dtype, device=device))
    assert type(images) is torch.Tensor, f"Generator should return a tensor, got {type(images).__name__}"
    assert_equal(images.shape, torch.Size([3, nc, 64, 64]), name="Generator output shape")
    assert images.dtype == dtype and images.device == device, \
        f"Generator output should be {dtype} on {device}, got {images.dtype} on {images.device}"
    assert torch.isfinite(images).all() and images.abs().max() <= 1, "Generator output should lie in [-1, 1]"


def _generator_layers():
    """The DCGAN generator's layers in the order they run (its docstring); channels are checked by shape."""
    return [Layer("ConvTranspose2d"), Layer("BatchNorm2d"), Layer("ReLU")] * 4 + [Layer("ConvTranspose2d"), Layer("Tanh")]


@pytest.mark.points(2)
def test_generator_structure(submission):
    # every layer as it runs: a BatchNorm before the tanh, a missing ReLU or a pooling layer is named
    g = submission.new("Generator", nz=16, ngf=8, nc=3)
    calls = g.trace(randn(2, 16, 1, 1, seed=73))["calls"]
    assert_none_of(calls, POOLING, "Generator", "DCGAN upsamples with strided transposed convolutions, no pooling")
    assert_layers(calls, _generator_layers(), "Generator")
    sizes = [tuple(c["shape"][1:]) for c in layers(calls) if c["type"] == "ConvTranspose2d"]
    assert sizes == [(64, 4, 4), (32, 8, 8), (16, 16, 16), (8, 32, 32), (3, 64, 64)], \
        f"the transposed convolutions should give (channels, h, w) (ngf·8, 4, 4) ... (nc, 64, 64), got {sizes}"


@pytest.mark.points(2)
def test_generator_ends_with_tanh(submission, device):
    # with every transposed convolution's weights × 20 the pre-activation output is large: tanh saturates near ±1
    g = submission.new("Generator", nz=16, ngf=8, nc=3).method("to", device)
    _scale_weights(g, "ConvTranspose2d", 20.0)
    images = g(randn(4, 16, 1, 1, seed=71, device=device))
    assert images.max() <= 1 and images.min() >= -1, \
        f"Generator output spans [{images.min().item():.3g}, {images.max().item():.3g}]; tanh keeps it in [-1, 1]"
    assert images.max() > 0.99 and images.min() < -0.99, \
        f"Generator output spans only [{images.min().item():.3g}, {images.max().item():.3g}]: expected tanh, saturating at ±1"


@pytest.mark.points(1)
def test_generator_rejects_bad_noise_shape(submission, device):
    g = submission.new("Generator", nz=16, ngf=4, nc=3).method("to", device)
    with pytest.raises(ValueError):
        g(randn(2, 17, 1, 1, seed=72, device=device))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nc,ndf", [(3, 8), (1, 4)])
def test_discriminator_output(submission, device, dtype, nc, ndf):
    d = submission.new("Discriminator", nc=nc, ndf=ndf).method("to", device=device, dtype=dtype)
    logits = d(2 * rand(5, nc, 64, 64, seed=80, dtype=dtype, device=device) - 1)
    assert type(logits) is torch.Tensor, f"Discriminator should return a tensor, got {type(logits).__name__}"
    assert_equal(logits.shape, torch.Size([5]), name="Discriminator output shape (one logit per image)")
    assert logits.dtype == dtype and logits.device == device, \
        f"Discriminator output should be {dtype} on {device}, got {logits.dtype} on {logits.device}"
    assert torch.isfinite(logits).all(), "Discriminator logits should be finite"


def _discriminator_layers():
    """The DCGAN discriminator's layers in the order they run (its docstring); channels are checked by shape."""
    down = [Layer("Conv2d", stride=(2, 2)), Layer("BatchNorm2d"), leaky_relu(0.2)]
    return [Layer("Conv2d", stride=(2, 2)), leaky_relu(0.2)] + down * 3 + [Layer("Conv2d")]


@pytest.mark.points(2)
def test_discriminator_structure(submission):
    # every layer as it runs: one plain ReLU among the LeakyReLUs, a misplaced BatchNorm or a sigmoid is named
    d = submission.new("Discriminator", nc=3, ndf=8)
    calls = d.trace(2 * rand(2, 3, 64, 64, seed=83) - 1)["calls"]
    assert_none_of(calls, POOLING, "Discriminator", "DCGAN downsamples with stride-2 convolutions, no pooling")
    assert_layers(calls, _discriminator_layers(), "Discriminator")
    sizes = [tuple(c["shape"][1:]) for c in layers(calls) if c["type"] == "Conv2d"]
    assert sizes == [(8, 32, 32), (16, 16, 16), (32, 8, 8), (64, 4, 4), (1, 1, 1)], \
        f"the convolutions should give (channels, h, w) (ndf, 32, 32) ... (ndf·8, 4, 4), then one logit, got {sizes}"


@pytest.mark.points(1)
def test_discriminator_activations_have_slope_0_2(submission):
    # behavioural: each LeakyReLU, as it ran, maps its input x to x (x > 0) and 0.2·x (x <= 0); float32 exact up to
    # the product 0.2·x, which rounds once (rtol 1e-6 is 8 ulps)
    d = submission.new("Discriminator", nc=3, ndf=4)
    calls = d.trace(2 * rand(2, 3, 64, 64, seed=84) - 1)["calls"]
    checked = assert_activation(calls, "LeakyReLU", lambda x: torch.where(x > 0, x, 0.2 * x), "Discriminator",
                                rtol=1e-6, atol=0.0)
    assert checked == 4, f"the discriminator should run 4 LeakyReLU(0.2) layers, {checked} ran"


@pytest.mark.points(2)
def test_discriminator_returns_raw_logits(submission, device):
    # with every convolution's weights × 20, logits grow far beyond [0, 1]; a final sigmoid would squash them
    d = submission.new("Discriminator", nc=3, ndf=8).method("to", device)
    _scale_weights(d, "Conv2d", 20.0)
    logits = d(2 * rand(6, 3, 64, 64, seed=81, device=device) - 1)
    assert logits.abs().max() > 1, \
        f"Discriminator outputs all lie in [{logits.min().item():.3g}, {logits.max().item():.3g}]: return logits, no sigmoid"


@pytest.mark.points(1)
def test_discriminator_rejects_bad_image_shape(submission, device):
    d = submission.new("Discriminator", nc=3, ndf=4).method("to", device)
    with pytest.raises(ValueError):
        d(randn(2, 3, 32, 32, seed=82, device=device))


# -- ConditionalGenerator --------------------------------------------------------------------

def _conditional(submission, device, dtype=torch.float32, img_shape=(1, 8, 8)):
    return submission.new("ConditionalGenerator", nz=12, num_classes=10, embed_dim=6,
                          img_shape=img_shape).method("to", device=device, dtype=dtype)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_conditional_generator_output(submission, device, dtype):
    for img_shape in ((1, 8, 8), (3, 16, 16)):
        g = _conditional(submission, device, dtype, img_shape)
        images = g(randn(5, 12, seed=90, dtype=dtype, device=device), randint(0, 10, (5,), seed=91, device=device))
        assert type(images) is torch.Tensor, f"ConditionalGenerator should return a tensor, got {type(images).__name__}"
        assert_equal(images.shape, torch.Size([5, *img_shape]), name="ConditionalGenerator output shape")
        assert images.dtype == dtype and images.device == device, \
            f"output should be {dtype} on {device}, got {images.dtype} on {images.device}"


@pytest.mark.points(2)
def test_conditional_generator_output_stays_in_unit_interval(submission, device):
    # with every Linear's weights × 20 the MLP's pre-activations reach far beyond ±1: only a final tanh keeps the
    # images in [-1, 1], and it saturates there
    g = _conditional(submission, device)
    _scale_weights(g, "Linear", 20.0)
    images = g(3 * randn(8, 12, seed=95, device=device), randint(0, 10, (8,), seed=96, device=device))
    assert images.max() <= 1 and images.min() >= -1, \
        f"ConditionalGenerator output spans [{images.min().item():.3g}, {images.max().item():.3g}]; a final tanh keeps it in [-1, 1]"
    assert images.max() > 0.99 and images.min() < -0.99, \
        f"ConditionalGenerator output spans only [{images.min().item():.3g}, {images.max().item():.3g}]: expected a final tanh"


@pytest.mark.points(1)
def test_conditional_generator_label_embedding(submission, device):
    modules = {m["name"]: m for m in _conditional(submission, device).modules()}
    emb = modules.get("label_embedding")
    assert emb is not None, "ConditionalGenerator needs an attribute label_embedding"
    assert emb["type"] == "Embedding", f"label_embedding should be an nn.Embedding, got {emb['type']}"
    assert emb["extra"].startswith("10, 6"), f"label_embedding should be nn.Embedding(10, 6), got Embedding({emb['extra']})"


@pytest.mark.points(2)
def test_conditional_generator_labels_change_images(submission, device):
    g = _conditional(submission, device)
    z = randn(1, 12, seed=92, device=device).repeat(10, 1)  # the same noise for every class
    images = g(z, torch.arange(10, device=device)).flatten(1).double()
    gaps = torch.cdist(images, images) + torch.eye(10, dtype=torch.float64, device=device)
    assert gaps.min() > 1e-4, "two different labels gave the same image for the same noise: are the labels used?"


@pytest.mark.points(2)
def test_conditional_generator_embeds_the_given_labels(submission, device):
    # back-propagating the output reaches exactly the embedding rows of the labels in the batch
    g = _conditional(submission, device)
    labels = torch.tensor([3, 7, 3, 1], device=device)
    result = g.grad(randn(4, 12, seed=93, device=device), labels, params=True)
    grad = result.param_grads[0].get("label_embedding.weight")
    assert grad is not None, "no gradient reached label_embedding.weight: is the embedding of the labels used?"
    used = grad.abs().sum(1).cpu() > 0
    expected = torch.zeros(10, dtype=torch.bool)
    expected[[1, 3, 7]] = True
    assert_equal(used, expected, name="embedding rows that receive a gradient (the labels 1, 3 and 7)")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["label_batch_mismatch", "wrong_nz"])
def test_conditional_generator_rejects_bad_input(submission, device, case):
    g = _conditional(submission, device)
    z = randn(4, 13 if case == "wrong_nz" else 12, seed=94, device=device)
    with pytest.raises(ValueError):
        g(z, torch.arange(3 if case == "label_batch_mismatch" else 4, device=device))


# -- gradient_penalty ------------------------------------------------------------------------

CRITICS = {  # layers of a small non-linear critic, so the gradient depends on where x̂ lies
    "mlp": ((6, 10), [("torch.nn.Linear", (10, 16)), ("torch.nn.Tanh", ()), ("torch.nn.Linear", (16, 1))]),
    "conv": ((5, 2, 6, 6), [("torch.nn.Conv2d", (2, 4, 3, 1, 1)), ("torch.nn.Tanh", ()), ("torch.nn.Flatten", ()),
                            ("torch.nn.Linear", (144, 1))]),
}


def _penalty_case(submission, kind, seed, dtype, device):
    """The critic handle (built in the submission's process), its float64 twin here, and (real, fake, alpha)."""
    shape, layers = CRITICS[kind]
    critic = submission.build("torch.nn.Sequential", *(submission.build(name, *args) for name, args in layers))
    critic.method("to", device=device, dtype=dtype)
    twin = ref.build_sequential(layers).to(device=device, dtype=torch.float64)
    twin.load_state_dict({k: v.double() for k, v in critic.state_dict().items()})
    real = randn(*shape, seed=seed, dtype=dtype, device=device)
    fake = 2 * randn(*shape, seed=seed + 1, dtype=dtype, device=device)
    alpha = rand(shape[0], seed=seed + 2, dtype=dtype, device=device).reshape(shape[0], *[1] * (len(shape) - 1))
    return critic, twin, (real, fake, alpha)


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", list(CRITICS))
def test_gradient_penalty_value(submission, device, dtype, kind):
    critic, twin, inputs = _penalty_case(submission, kind, 100, dtype, device)
    penalty = submission.call("gradient_penalty", critic, *inputs)
    assert_close(penalty, ref.gradient_penalty(twin, *(t.double() for t in inputs)), dtype=dtype,
                 name="gradient_penalty", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", list(CRITICS))
def test_gradient_penalty_backpropagates_to_critic(submission, device, dtype, kind):
    critic, twin, inputs = _penalty_case(submission, kind, 110, dtype, device)
    got = submission.grad("gradient_penalty", critic, *inputs, params_of=(critic,))
    penalty = ref.gradient_penalty(twin, *(t.double() for t in inputs))
    want = dict(zip([n for n, _ in twin.named_parameters()],
                    torch.autograd.grad(penalty, list(twin.parameters()), allow_unused=True)))
    for name, w in want.items():
        g = got.param_grads[0][name]
        if w is None:  # the last layer's bias does not change the input gradient
            assert g is None or not g.any(), f"d penalty / d critic.{name} should be 0"
            continue
        assert g is not None, (f"no gradient reached the critic's {name}: keep the graph of the input gradient "
                               "(torch.autograd.grad(..., create_graph=True))")
        assert_close(g, w, dtype=dtype, name=f"d penalty / d critic.{name}", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_gradient_penalty_accepts_flat_alpha(submission, device, dtype):
    # alpha of shape (B,) is broadcast per sample, as (B, 1, 1, 1) is
    critic, twin, (real, fake, alpha) = _penalty_case(submission, "conv", 120, dtype, device)
    penalty = submission.call("gradient_penalty", critic, real, fake, alpha.flatten())
    assert_close(penalty, ref.gradient_penalty(twin, real.double(), fake.double(), alpha.double()), dtype=dtype,
                 name="gradient_penalty with alpha of shape (B,)", tol="reduction")


@pytest.mark.points(1)
def test_gradient_penalty_rejects_mismatched_shapes(submission, device):
    critic, _, (real, fake, alpha) = _penalty_case(submission, "mlp", 130, torch.float32, device)
    with pytest.raises(ValueError):
        submission.call("gradient_penalty", critic, real, fake[:4], alpha)
