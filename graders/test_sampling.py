"""Hidden graders for `sampling` (spec §13), against diffusers' DDPMScheduler, DDIMScheduler,
FlowMatchEulerDiscreteScheduler, TimestepEmbedding and LabelEmbedding (see reference/sampling.py).

Seeds are fixed per case and appear in the test ids. Models are the small recording MLPs of
cvgrade/nets/sampling.py, built in the submission's process (every build starts from torch's
seed 0, so their weights are fixed) and moved to the case's device and dtype; the reference
drives a float64 CPU twin holding the same weights. Both record every call, so a sample that
does not match is reported at the first model call whose input differs: the step before it
is the first that diverges (or the timestep sequence itself is wrong, or x_T is).

Generators are built in the submission's process, `torch.Generator().manual_seed(seed)`, and
passed as handles; the reference draws from a generator with the same seed in the documented
order. Seeds are never 0: the harness seeds torch's global generator with 0 before every call,
so a sampler that ignored its generator would draw seed 0's noise. After sampling, the
generator's state must be the one its documented draws leave (x_T, then one per stochastic
step). Other inputs come from cvgrade.inputs, one seed per tensor (seed, seed + 1, ...).
Schedules are diffusers' float32 betas and ᾱ, passed in float32 or float64 (a sampler casts them).
ClassConditionalEmbedding is traced once per case: the sinusoid it feeds time_mlp[0] is held to the
sinusoid's own conditioning, and its output to the float64 diffusers modules run on that sinusoid.
Bad-input tests hand samplers and guided_eps a net without argument checks, so the ValueError must
be the student's. Integers (timesteps, labels, numbers of draws) are compared exactly.
"""

import math

import pytest
import torch
import torch.nn.functional as F

from cvgrade import tolerances
from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn
from cvgrade.nets.sampling import RecordingCondEpsNet, RecordingEpsNet
from cvgrade.structure import Layer, assert_activation, assert_layers
from cvgrade.tolerances import Tolerance
from reference import sampling as ref

TOPIC = "sampling"
_SCHEDULERS = "diffusers.schedulers"
REFERENCE_CALLS = {
    "ddpm_sample": [f"{_SCHEDULERS}.scheduling_ddpm.DDPMScheduler.step", f"{_SCHEDULERS}.scheduling_ddpm.DDPMScheduler.__init__"],
    "ddim_timesteps": [f"{_SCHEDULERS}.scheduling_ddim.DDIMScheduler.set_timesteps",
                       f"{_SCHEDULERS}.scheduling_ddpm.DDPMScheduler.set_timesteps"],
    "ddim_sample": [f"{_SCHEDULERS}.scheduling_ddim.DDIMScheduler.step", f"{_SCHEDULERS}.scheduling_ddim.DDIMScheduler.__init__",
                    f"{_SCHEDULERS}.scheduling_ddim.DDIMScheduler.set_timesteps"],
    "drop_labels": ["diffusers.models.embeddings.LabelEmbedding.token_drop"],
    "ClassConditionalEmbedding": ["diffusers.models.embeddings.get_timestep_embedding",
                                  "diffusers.models.embeddings.TimestepEmbedding.__init__",
                                  "diffusers.models.embeddings.LabelEmbedding.__init__",
                                  "diffusers.models.embeddings.Timesteps.__init__"],
    "flow_sample": [f"{_SCHEDULERS}.scheduling_flow_match_euler_discrete.FlowMatchEulerDiscreteScheduler.step",
                    f"{_SCHEDULERS}.scheduling_flow_match_euler_discrete.FlowMatchEulerDiscreteScheduler.__init__"],
}

F32, F64 = torch.float32, torch.float64
EPS32 = tolerances.EPS["float32"]


def _id(value):
    """Readable test ids: float32, 2x1x8x8, linear-40-0.001-0.2."""
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, tuple):
        return ("x" if all(type(v) is int for v in value) else "-").join(map(str, value))
    return None


# -- tolerances -----------------------------------------------------------------------------

def _profile(device, dtype) -> Tolerance:
    return tolerances.lookup(device.type, str(dtype).removeprefix("torch."))


def _at_scale(tol: Tolerance, reference: torch.Tensor) -> Tolerance:
    """`tol` with atol raised to rtol · max|reference|: a step's rounding error follows the size of the
    whole sample it mixes (x_t, eps, x0), so an element near 0 carries the error of its neighbours."""
    return Tolerance(tol.rtol, max(tol.atol, tol.rtol * float(reference.abs().max())))


def _ddpm_tol(device, dtype, betas):
    """float32 DDPM: 1 − ᾱ_t, which divides every posterior coefficient, is 1 minus a float32 near 1 and errs by
    up to 2^-24 absolute, a relative error of 2^-24/β_0 at the first steps (6e-4 for diffusers' default β_0 = 1e-4);
    4× that on top of the profile. Measured errors of this solution, diffusers' own float32 loop, a float64-then-
    rounded loop and the seed formula stay below a tenth of it on these cases."""
    base = _profile(device, dtype)
    if dtype == F32:
        base = Tolerance(base.rtol + 2 * EPS32 / float(betas.min()), base.atol)
    return lambda reference: _at_scale(base, reference)


def _plain_tol(device, dtype):
    """DDIM (ᾱ is given, 1 − ᾱ for ᾱ near 1 is exact) and Euler steps add only a few roundings per step: the profile."""
    base = _profile(device, dtype)
    return lambda reference: _at_scale(base, reference)


# -- models and generators ------------------------------------------------------------------

def _generator(submission, seed: int):
    """A torch.Generator seeded `seed`, living in the submission's process."""
    return submission.build("torch.Generator").method("manual_seed", seed)


def _nets(submission, device, dtype, shape, cls=RecordingEpsNet, **kwargs):
    """The recording net in the submission's process, a float64 CPU twin of its weights and, for a float32 case
    (diffusers' own float32 loops), a float32 one (else None)."""
    features = math.prod(shape[1:])
    handle = submission.build(f"cvgrade.nets.sampling.{cls.__name__}", features, **kwargs)
    handle = handle.method("to", device=device, dtype=dtype)
    state = {k: v.cpu() for k, v in handle.state_dict().items()}

    twins = []
    for twin_dtype in (F64, F32) if dtype == F32 else (F64,):
        with torch.device("meta"):  # built without initialising: its weights are the net's
            net = cls(features, **kwargs)
        net.load_state_dict(state, assign=True)
        twins.append(net.to(twin_dtype))
    return handle, twins[0], twins[1] if len(twins) > 1 else None


def _step_value(t: torch.Tensor) -> str:
    """A call's t as text: its first entry (every entry is the same step)."""
    return f"{float(t[0]):g}" if t.is_floating_point() else str(int(t[0]))


def _sequence(steps: list) -> str:
    """The first entries of each call's t, abbreviated: 'the timestep sequence' of a trajectory."""
    values = [_step_value(s) for s in steps]
    if len(values) > 12:
        values = values[:8] + ["…"] + values[-3:]
    return "[" + ", ".join(values) + "]"


def _assert_trajectory(model, twin, sample, want, device, dtype, tol_of, what: str) -> None:
    """Compare the calls the student's sampler made with the reference's, then the sample; name the first divergence."""
    got_t, want_t = model.get("steps"), twin.steps
    if len(got_t) != len(want_t):
        raise AssertionError(f"{what}: the model was called {len(got_t)} times, expected {len(want_t)} (once per step); "
                             f"timesteps it got: {_sequence(got_t)}, expected: {_sequence(want_t)}")
    for i, (g, w) in enumerate(zip(got_t, want_t)):
        name = (f"{what}: t of model call {i + 1} of {len(want_t)} (the timestep sequence itself is wrong: "
                f"got {_sequence(got_t)}, expected {_sequence(want_t)})")
        if w.is_floating_point():  # k/steps rounded once, or twice as k · (1/steps): the profile
            assert_close(g, w.to(device), dtype=dtype, name=name)
        else:
            assert_equal(g, w.to(device), name=name)
    labels = [_step_value(s) for s in want_t]
    for i, (g, w) in enumerate(zip(model.get("inputs"), twin.inputs)):
        if i == 0:
            name = (f"{what}: x_T, the model's first input (draw it first: torch.randn(shape, generator=generator, "
                    "dtype=dtype) on the CPU, then move it)")
        else:
            name = (f"{what}: the model's input at call {i + 1} (t = {labels[i]}), the result of the step at "
                    f"t = {labels[i - 1]}: the first step that diverges")
        assert_close(g, w.to(device), dtype=dtype, tol=tol_of(w), image="BCHW", name=name)
    assert_close(sample, want.to(device), dtype=dtype, tol=tol_of(want), image="BCHW",
                 name=f"{what}: the final sample (every model input matched: the last step, at t = {labels[-1]}, diverges)")


def _assert_draws(generator, seed: int, shape, dtype, expected: int, documented: str) -> None:
    """The generator in the submission's process must have made exactly `expected` draws of torch.randn(shape, dtype)."""
    got = generator.method("get_state")
    probe = ref.generator(seed)
    for count in range(expected + 4):
        if torch.equal(probe.get_state(), got):
            if count != expected:
                raise AssertionError(f"the generator made {count} draws of torch.randn(shape, dtype={dtype}), "
                                     f"expected {expected}: {documented}")
            return
        torch.randn(tuple(shape), generator=probe, dtype=dtype)
    raise AssertionError(f"the generator's state after sampling is not that of any number of torch.randn(shape, "
                         f"dtype={dtype}) draws (expected {expected}: {documented}); draw nothing else from it")


# -- ddim_timesteps -------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("T,steps", [(1000, 50), (1000, 7), (100, 100), (10, 1), (50, 3)])
def test_ddim_timesteps_match_set_timesteps(submission, T, steps):
    got = submission.call("ddim_timesteps", T, steps)
    assert_equal(got, ref.ddim_timesteps(T, steps), name=f"ddim_timesteps({T}, {steps})")


@pytest.mark.points(1)
def test_ddim_timesteps_rejects_bad_input(submission):
    # an int T < 1 also breaks 1 <= n <= T, so a T of its own is a non-int
    for name, args in (("num_inference_steps", (10, 11)), ("num_inference_steps", (10, 0)), ("T", (10.5, 2))):
        with pytest.raises(ValueError, match=rf"\b{name}\b"):  # the message names the parameter
            submission.call("ddim_timesteps", *args)


# -- drop_labels ----------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,p,num_classes,batch", [(51, 0.1, 10, 64), (52, 0.5, 3, 17), (53, 0.9, 1000, 40)])
def test_drop_labels_matches_token_drop(submission, device, seed, p, num_classes, batch):
    labels = randint(0, num_classes, (batch,), seed=seed + 100, device=device)
    generator = _generator(submission, seed)
    got = submission.call("drop_labels", labels, p, num_classes, generator=generator)
    want = ref.drop_labels_token_drop(labels, p, num_classes, seed)
    assert_equal(got, want.to(device), name=f"drop_labels(p={p}) vs diffusers' LabelEmbedding.token_drop")
    probe = ref.generator(seed)
    torch.rand(labels.shape, generator=probe)
    assert torch.equal(generator.method("get_state"), probe.get_state()), \
        "drop_labels should draw exactly once from the generator: torch.rand(labels.shape, generator=generator)"


@pytest.mark.points(1)
def test_drop_labels_p0_keeps_and_p1_drops_every_label(submission, device):
    labels = randint(0, 5, (3, 8), seed=60, device=device).int()
    for p, want in ((0.0, labels), (1.0, torch.full_like(labels, 5)), (0, labels), (1, torch.full_like(labels, 5))):
        got = submission.call("drop_labels", labels, p, 5, generator=_generator(submission, 61))
        assert_equal(got, want, name=f"drop_labels(p={p!r})")


@pytest.mark.points(1)
def test_drop_labels_at_the_threshold(submission, device):
    # p equal to one of the uniform draws u_k: u_k < p is false, so label k stays; one float32 ulp above, it drops.
    seed, labels = 62, randint(0, 7, (32,), seed=63, device=device)
    u = torch.rand(labels.shape, generator=ref.generator(seed))
    k = int(u.argsort()[16])
    for p in (float(u[k]), float(torch.nextafter(u[k], torch.tensor(2.0)))):
        got = submission.call("drop_labels", labels, p, 7, generator=_generator(submission, seed))
        assert_equal(got, ref.drop_labels(labels.cpu(), p, 7, seed).to(device),
                     name=f"drop_labels with p = u_{k} {'exactly' if p == float(u[k]) else '+ 1 ulp'} (strict u < p)")


@pytest.mark.points(1)
def test_drop_labels_keeps_shape_dtype_and_device(submission, device):
    labels = randint(0, 4, (2, 3, 5), seed=64, device=device).to(torch.int32)
    got = submission.call("drop_labels", labels, 0.4, -1, generator=_generator(submission, 65))
    assert_equal(got, ref.drop_labels(labels.cpu(), 0.4, -1, 65).to(device), name="drop_labels of (2, 3, 5) int32 labels")


@pytest.mark.points(1)
def test_drop_labels_rejects_bad_input(submission, device):
    labels = randint(0, 4, (6,), seed=66, device=device)
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"\bp\b"):
            submission.call("drop_labels", labels, p, 4)
    with pytest.raises(ValueError, match=r"\blabels\b"):
        submission.call("drop_labels", labels.double(), 0.5, 4)
    with pytest.raises(ValueError, match="null_label"):
        submission.call("drop_labels", labels, 0.5, 2.5)


# -- guided_eps -----------------------------------------------------------------------------

def _guided_inputs(submission, device, dtype, seed, batch=3, num_classes=4, checks=True):
    shape = (batch, 1, 4, 4)
    model, twin, _ = _nets(submission, device, dtype, shape, cls=RecordingCondEpsNet, num_classes=num_classes,
                           checks=checks)
    x = randn(*shape, seed=seed, dtype=dtype, device=device)
    t = randint(0, 1000, (batch,), seed=seed + 1, device=device)
    labels = randint(0, num_classes, (batch,), seed=seed + 2, device=device)
    return model, twin, x, t, labels


@pytest.mark.points(2)
def test_guided_eps_makes_one_batched_forward(submission, device):
    model, _, x, t, labels = _guided_inputs(submission, device, F32, 70)
    submission.call("guided_eps", model, x, t, labels, 4, 3.0)
    inputs = model.get("inputs")
    assert len(inputs) == 1, f"guided_eps should call the model once, on the doubled batch; it called it {len(inputs)} times"
    assert_close(inputs[0], torch.cat([x, x]), image="BCHW", name="the model's x: [x, x] along the batch")
    assert_equal(model.get("steps")[0], torch.cat([t, t]), name="the model's t: [t, t]")
    assert_equal(model.get("labels")[0], torch.cat([labels, torch.full_like(labels, 4)]),
                 name="the model's labels: [labels, null] (conditional half first)")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,scale", [(71, F32, 0.0), (72, F64, 1.0), (73, F32, 3.0), (74, F64, 7.5)], ids=_id)
def test_guided_eps_matches_reference(submission, device, seed, dtype, scale):
    model, twin, x, t, labels = _guided_inputs(submission, device, dtype, seed)
    got = submission.call("guided_eps", model, x, t, labels, 4, scale)
    with torch.no_grad():
        want = ref.guided_eps(twin, x.double().cpu(), t.cpu(), labels.cpu(), 4, scale)
        parts = twin(torch.cat([x, x]).double().cpu(), torch.cat([t, t]).cpu(),
                     torch.cat([labels, torch.full_like(labels, 4)]).cpu())
    # (1 − s)·ε_u + s·ε_c carries the predictions' rounding times |1 − s| + |s|, at their scale
    base = _profile(device, dtype)
    tol = _at_scale(Tolerance(base.rtol * (abs(1 - scale) + abs(scale)), base.atol), parts)
    assert_close(got, want.to(device), dtype=dtype, tol=tol, image="BCHW", name=f"guided eps (scale={scale})")


@pytest.mark.points(1)
def test_guided_eps_rejects_bad_input(submission, device):
    # a model without argument checks: the ValueError must be guided_eps's own, raised before the forward
    model, _, x, t, labels = _guided_inputs(submission, device, F32, 75, checks=False)
    with pytest.raises(ValueError, match="labels"):
        submission.call("guided_eps", model, x, t, labels[:2], 4, 2.0)
    with pytest.raises(ValueError, match=r"\bt\b"):
        submission.call("guided_eps", model, x, t[:2], labels, 4, 2.0)


# -- ClassConditionalEmbedding --------------------------------------------------------------

def _embedding_inputs(seed, num_classes, batch, device, fractional=False):
    """(t, labels): steps in [0, 1000) with 0 and 999 first (fractional ones when asked), labels with the null
    label and class 0 first."""
    if fractional:
        t = 999 * torch.rand(batch, generator=ref.generator(seed), dtype=F64).to(device)
    else:
        t = randint(0, 1000, (batch,), seed=seed, device=device)
    t[:2] = torch.tensor([0, 999])
    labels = randint(0, num_classes + 1, (batch,), seed=seed + 1, device=device)
    labels[:2] = torch.tensor([num_classes, 0])
    return t, labels


@pytest.mark.points(2)
def test_class_conditional_embedding_layers(submission, device):
    num_classes, dim = 10, 16
    module = submission.new("ClassConditionalEmbedding", num_classes, dim).method("to", device)
    t, labels = _embedding_inputs(80, num_classes, 5, device)
    calls = module.trace(t, labels)["calls"]
    time_calls = [c for c in calls if c["name"].startswith("time_mlp.")]
    label_calls = [c for c in calls if c["name"] == "label_embedding"]
    others = [f"{c['name']} ({c['type']})" for c in calls
              if not c["name"].startswith("time_mlp.") and c["name"] != "label_embedding"]
    assert not others, f"ClassConditionalEmbedding ran layers outside time_mlp and label_embedding: {', '.join(others)}"
    assert_layers(time_calls, [Layer("Linear", in_features=dim, out_features=4 * dim, bias=True), Layer("SiLU"),
                               Layer("Linear", in_features=4 * dim, out_features=dim, bias=True)],
                  "ClassConditionalEmbedding.time_mlp")
    # float32 SiLU against float64 F.silu of the same input: the float32 profile
    assert_activation(time_calls, "SiLU", F.silu, "ClassConditionalEmbedding.time_mlp", rtol=1e-5, atol=1e-6)
    types = {m["name"]: m["type"] for m in module.modules()}
    assert types.get("time_mlp") == "Sequential", f"time_mlp should be an nn.Sequential, got {types.get('time_mlp')}"
    # row num_classes of the table is the null label
    assert_layers(label_calls, [Layer("Embedding", num_embeddings=num_classes + 1, embedding_dim=dim)],
                  "ClassConditionalEmbedding.label_embedding (called once, nn.Embedding(num_classes + 1, dim))")


def _traced_embedding(module, t, labels, dim: int):
    """(the module's output, the (B, dim) sinusoid it fed time_mlp[0]) from one traced forward."""
    traced = module.trace(t, labels)
    first = [c for c in traced["calls"] if c["name"] == "time_mlp.0"]
    assert first and first[0]["input"].numel() == len(t) * dim, \
        f"ClassConditionalEmbedding.forward should feed time_mlp the (B, dim) = ({len(t)}, {dim}) sinusoid of t"
    return traced["output"], first[0]["input"].reshape(len(t), dim)


def _sinusoid_tol(device, dtype, t) -> Tolerance:
    """The phase t·f_i (f_i <= 1) errs by up to about 2.5 ulp of t (t's rounding to the module's dtype, f_i's,
    amplified by exp's condition number, f_i·|ln f_i| <= 1/e, then the product's) and sin, cos add an ulp of their
    result (|·| <= 1): 3 ulp of max t + 2 ulp(1), absolute, on top of the profile. Eight correct float32
    formulations and diffusers' Timesteps stay below a quarter of it for t < 1000, integer or not, and dim <= 128."""
    base, eps = _profile(device, dtype), tolerances.EPS[str(dtype).removeprefix("torch.")]
    return Tolerance(base.rtol, base.atol + eps * (3 * float(t.abs().max()) + 2))


EMBEDDING_CASES = [(81, F32, 10, 16, 6, False), (82, F64, 3, 8, 4, True), (83, F32, 4, 8, 5, True)]


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype,num_classes,dim,batch,fractional", EMBEDDING_CASES, ids=_id)
def test_class_conditional_embedding_matches_diffusers(submission, device, seed, dtype, num_classes, dim, batch,
                                                        fractional):
    module = submission.new("ClassConditionalEmbedding", num_classes, dim).method("to", device=device, dtype=dtype)
    state = module.state_dict()
    keys = {"time_mlp.0.weight", "time_mlp.0.bias", "time_mlp.2.weight", "time_mlp.2.bias", "label_embedding.weight"}
    assert set(state) == keys, f"ClassConditionalEmbedding's state_dict should hold {sorted(keys)}, got {sorted(state)}"
    t, labels = _embedding_inputs(seed, num_classes, batch, device, fractional)
    out, sinusoid = _traced_embedding(module, t, labels, dim)
    # the sinusoid at its own conditioning, then the rest on that sinusoid: only the MLP's rounding remains
    tol = _sinusoid_tol(device, dtype, t)
    assert_close(sinusoid, ref.time_embedding(t, dim).to(device), dtype=dtype, tol=tol,
                 name="the sinusoidal embedding of t, [sin(t·f), cos(t·f)] (the input of time_mlp[0])")
    if dtype == F32:  # diffusers' own float32 Timesteps: both sinusoids err by up to tol
        assert_close(sinusoid, ref.time_embedding_as_shipped(t, dim).to(device),
                     tol=Tolerance(tol.rtol, 2 * tol.atol), name="the sinusoid vs diffusers' float32 Timesteps")
    want = ref.class_conditional_embedding(state, num_classes, dim, sinusoid, labels)
    # given the sinusoid, two Linear layers and a sum of |·| ~ 1: the profile, atol at the output's scale
    assert_close(out, want.to(device), dtype=dtype, tol=_at_scale(_profile(device, dtype), want),
                 name="time_mlp(sinusoid) + label_embedding(labels), vs diffusers' TimestepEmbedding + LabelEmbedding")


@pytest.mark.points(1)
def test_class_conditional_embedding_rejects_bad_input(submission, device):
    for name, args in (("dim", (10, 7)), ("dim", (10, 2)), ("num_classes", (0, 8))):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.new("ClassConditionalEmbedding", *args)
    module = submission.new("ClassConditionalEmbedding", 3, 8).method("to", device)
    with pytest.raises(ValueError, match="labels"):  # 4 is past the null label 3
        module(torch.tensor([1, 2], device=device), torch.tensor([0, 4], device=device))


# -- all three samplers ---------------------------------------------------------------------

def _run_sampler(submission, device, name, shape, generator=None):
    """Call sampler `name` on a float64 recording net; returns (sample, net handle, float64 twin, schedule)."""
    float_steps = name == "flow_sample"
    kwargs = {"float_steps": True, "time_scale": 1000.0} if float_steps else {}
    model, twin, _ = _nets(submission, device, F64, shape, **kwargs)
    betas = ref.betas("linear", 20, 1e-3, 0.3)
    extra = {"generator": generator} if generator is not None else {}
    if name == "ddpm_sample":
        sample = submission.call(name, model, shape, betas.double().to(device), **extra)
    elif name == "ddim_sample":
        sample = submission.call(name, model, shape, ref.alphas_cumprod_as_shipped(betas).double().to(device), 5,
                                 eta=0.5, **extra)
    else:
        sample = submission.call(name, model, shape, 6, **extra)
    return sample, model, twin, betas


SAMPLERS = ["ddpm_sample", "ddim_sample", "flow_sample"]


@pytest.mark.points(1)
@pytest.mark.parametrize("name", SAMPLERS)
def test_sampler_runs_without_gradients(submission, device, name):
    sample, model, _, _ = _run_sampler(submission, device, name, (2, 1, 4, 4), _generator(submission, 41))
    grad_modes = model.get("grad_enabled")
    assert grad_modes and not any(grad_modes), \
        f"{name} called the model with autograd on ({sum(grad_modes)} of {len(grad_modes)} calls): sample under torch.no_grad()"
    assert type(sample) is torch.Tensor and not sample.requires_grad, \
        f"{name}'s sample requires grad (the model's parameters do): sample under torch.no_grad()"


@pytest.mark.points(1)
@pytest.mark.parametrize("name", SAMPLERS)
def test_sampler_without_generator_draws_from_torchs_global_generator(submission, device, name):
    # The harness seeds torch's global generator with 0 before every call: generator=None must give seed 0's sample.
    shape = (2, 1, 4, 4)
    sample, model, twin, betas = _run_sampler(submission, device, name, shape)
    if name == "ddpm_sample":
        want = ref.ddpm_sample(twin, shape, betas, 0, True, F64)
    elif name == "ddim_sample":
        want = ref.ddim_sample(twin, shape, ref.alphas_cumprod_as_shipped(betas), 5, 0.5, 0, F64)
    else:
        want = ref.flow_sample(twin, shape, 6, 0, F64)
    # float64 nets and schedules: the profile at the sample's scale, as _plain_tol
    assert_close(sample, want.to(device), tol=_at_scale(_profile(device, F64), want), image="BCHW",
                 name=f"{name} with generator=None (torch's global generator, seeded 0 by the grader)")


@pytest.mark.points(1)
@pytest.mark.parametrize("name", SAMPLERS)
def test_sampler_rejects_bad_input(submission, device, name):
    model, _, _ = _nets(submission, device, F32, (2, 1, 2, 2), checks=False)  # the sampler's own ValueError
    betas = ref.betas("linear", 10, 1e-3, 0.3).to(device)
    abar = ref.alphas_cumprod_as_shipped(betas).to(device)
    bad = {"ddpm_sample": [("shape", (model, (), betas)), ("shape", (model, (2, 0, 2, 2), betas)),
                           ("betas", (model, (2, 1, 2, 2), betas.reshape(2, 5)))],
           "ddim_sample": [("shape", (model, (), abar, 5)), ("num_inference_steps", (model, (2, 1, 2, 2), abar, 11)),
                           ("alphas_cumprod", (model, (2, 1, 2, 2), abar.reshape(2, 5), 5))],
           "flow_sample": [("shape", (model, (), 4)), ("steps", (model, (2, 1, 2, 2), 0))]}[name]
    for parameter, args in bad:
        with pytest.raises(ValueError, match=parameter):  # the message names the parameter
            submission.call(name, *args)
    if name == "ddim_sample":
        with pytest.raises(ValueError, match="eta"):
            submission.call(name, model, (2, 1, 2, 2), abar, 5, eta=-0.5)


# -- flow_sample ----------------------------------------------------------------------------

FLOW_CASES = [(31, F32, 10, (2, 1, 8, 8)), (32, F64, 1, (3, 2, 4, 4)), (33, F64, 25, (2, 1, 8, 8))]


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype,steps,shape", FLOW_CASES, ids=_id)
def test_flow_sample_matches_euler(submission, device, seed, dtype, steps, shape):
    model, twin, twin32 = _nets(submission, device, dtype, shape, float_steps=True, time_scale=1000.0)
    generator = _generator(submission, seed)
    sample = submission.call("flow_sample", model, shape, steps, generator=generator)
    want = ref.flow_sample(twin, shape, steps, seed, dtype)
    tol_of = _plain_tol(device, dtype)
    _assert_trajectory(model, twin, sample, want, device, dtype, tol_of, f"flow_sample (steps={steps})")
    if dtype == F32:  # diffusers' FlowMatchEulerDiscreteScheduler loop, float32
        shipped = ref.flow_sample_as_shipped(twin32, shape, steps, seed)
        assert_close(sample, shipped.to(device), tol=tol_of(shipped), image="BCHW",
                     name="flow_sample vs diffusers' FlowMatchEulerDiscreteScheduler")
    _assert_draws(generator, seed, shape, dtype, 1, "x_0 only")


# -- ddim_sample ----------------------------------------------------------------------------

DDIM_CASES = [  # (seed, dtype, betas, steps, eta, shape, the dtype ᾱ comes in): T % steps != 0 in the third
    (21, F32, ("linear", 1000), 10, 0.0, (2, 1, 8, 8), F32),
    (22, F64, ("cosine", 1000), 8, 0.0, (3, 2, 4, 4), F32),
    (23, F32, ("linear", 100), 7, 0.5, (2, 3, 4, 4), F64),
    (24, F64, ("linear", 1000), 20, 1.0, (2, 1, 8, 8), F64),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype,schedule,steps,eta,shape,abar_dtype", DDIM_CASES, ids=_id)
def test_ddim_sample_matches_diffusers(submission, device, seed, dtype, schedule, steps, eta, shape, abar_dtype):
    betas = ref.betas(*schedule)
    T = len(betas)
    abar = ref.alphas_cumprod_as_shipped(betas)
    model, twin, twin32 = _nets(submission, device, dtype, shape)
    generator = _generator(submission, seed)
    sample = submission.call("ddim_sample", model, shape, abar.to(abar_dtype).to(device), steps, eta=eta,
                             generator=generator)
    want = ref.ddim_sample(twin, shape, abar, steps, eta, seed, dtype)
    tol_of = _plain_tol(device, dtype)
    _assert_trajectory(model, twin, sample, want, device, dtype, tol_of,
                       f"ddim_sample (T={T}, num_inference_steps={steps}, eta={eta})")
    if dtype == F32:  # diffusers' DDIMScheduler loop exactly as it ships, in float32
        shipped = ref.ddim_sample_as_shipped(twin32, shape, betas, steps, eta, seed)
        assert_close(sample, shipped.to(device), tol=tol_of(shipped), image="BCHW",
                     name="ddim_sample vs diffusers' own float32 DDIMScheduler loop")
    draws = 1 + (steps if eta > 0 else 0)
    _assert_draws(generator, seed, shape, dtype, draws,
                  "x_T, then with eta > 0 one per step, the last one too" if eta > 0 else "only x_T when eta = 0")


# -- ddpm_sample ----------------------------------------------------------------------------

DDPM_CASES = [  # (seed, dtype, betas (schedule, T, beta_start, beta_end), clip_x0, shape, the dtype betas come in)
    (11, F32, ("linear", 30, 1e-3, 0.2), True, (2, 1, 8, 8), F32),
    (12, F64, ("cosine", 20), True, (3, 2, 4, 4), F32),
    (13, F32, ("linear", 16, 1e-3, 0.15), False, (2, 3, 4, 4), F64),
    (14, F64, ("linear", 30, 1e-3, 0.2), False, (2, 1, 8, 8), F64),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype,schedule,clip_x0,shape,betas_dtype", DDPM_CASES, ids=_id)
def test_ddpm_sample_matches_diffusers(submission, device, seed, dtype, schedule, clip_x0, shape, betas_dtype):
    betas = ref.betas(*schedule)
    T = len(betas)
    model, twin, twin32 = _nets(submission, device, dtype, shape)
    generator = _generator(submission, seed)
    sample = submission.call("ddpm_sample", model, shape, betas.to(betas_dtype).to(device), generator=generator,
                             clip_x0=clip_x0)
    want = ref.ddpm_sample(twin, shape, betas, seed, clip_x0, dtype)
    tol_of = _ddpm_tol(device, dtype, betas)
    _assert_trajectory(model, twin, sample, want, device, dtype, tol_of, f"ddpm_sample (T={T}, clip_x0={clip_x0})")
    if dtype == F32:  # diffusers' DDPMScheduler loop exactly as it ships, in float32
        shipped = ref.ddpm_sample_as_shipped(twin32, shape, betas, seed, clip_x0)
        assert_close(sample, shipped.to(device), tol=tol_of(shipped), image="BCHW",
                     name="ddpm_sample vs diffusers' own float32 DDPMScheduler loop")
    _assert_draws(generator, seed, shape, dtype, T, "x_T, then one per step with t > 0, none at t = 0")
