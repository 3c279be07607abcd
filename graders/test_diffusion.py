"""Hidden graders for `diffusion` (spec §5), against diffusers' DDPMScheduler, DDIMScheduler and
get_timestep_embedding, run in float64 (see reference/diffusion.py).

Seeds are fixed per case and appear in the test ids; each input tensor of a case uses its own
seed (seed, seed + 1, ...). Schedules are diffusers' float32 betas, cast to the case's dtype.
"""

import pytest
import torch

from cvgrade.compare import assert_close
from cvgrade.inputs import randn
from cvgrade.nets.diffusion import TinyEpsNet
from cvgrade.tolerances import Tolerance
from reference import diffusion as ref

TOPIC = "diffusion"
GRADED_ALIASES = {"time_embedding": "sinusoidal_time_embedding"}  # test-name prefixes -> the graded name they check (feedback groups)
_DIFFUSERS = [
    "diffusers.schedulers.scheduling_ddpm.DDPMScheduler.__init__",
    "diffusers.schedulers.scheduling_ddim.DDIMScheduler.__init__",
    "diffusers.schedulers.scheduling_ddpm.betas_for_alpha_bar",
    "diffusers.schedulers.scheduling_ddim.betas_for_alpha_bar",
    "diffusers.models.embeddings.get_timestep_embedding",
]
REFERENCE_CALLS = {name: _DIFFUSERS for name in (
    "linear_beta_schedule", "cosine_beta_schedule", "alphas_cumprod", "q_sample", "predict_x0",
    "posterior_mean_variance", "ddpm_step", "ddim_step", "sinusoidal_time_embedding", "ddpm_loss",
    "classifier_free_guidance", "flow_matching_pair", "euler_step")}

F32, F64 = torch.float32, torch.float64

# A float32 ᾱ computed from float32 betas is 1 - β_0 rounded to 2^-24, so 1 - ᾱ_t, which scales the
# posterior coefficients, carries a relative error of up to 2^-24 / β_0 ≈ 6e-4 (linear) to 1.5e-3
# (cosine) at the first steps; measured errors of three float32 implementations (this solution,
# diffusers' own float32 step, ᾱ_{t-1} = ᾱ_t / α_t) stay below half of this bound.
SCHEDULE_F32 = Tolerance(rtol=1e-3, atol=1e-3)
# diffusers' embedding is float32: the phase t·f_i of t < 1000 carries up to 1000 · 2 ulp(1) ≈ 2.4e-4.
EMBED_F32 = Tolerance(rtol=0.0, atol=3e-4)


def _betas(schedule: str, T: int) -> torch.Tensor:
    """diffusers' float32 betas of `schedule` ("linear" or "cosine")."""
    return ref.linear_betas(T) if schedule == "linear" else ref.cosine_betas(T)


def _tol(dtype):
    return SCHEDULE_F32 if dtype == F32 else None


def _steps(values, device):
    return torch.tensor(values, dtype=torch.long, device=device)


# -- schedules ------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("T,beta_start,beta_end", [(10, 1e-4, 0.02), (1000, 1e-4, 0.02), (50, 1e-3, 0.05)])
def test_linear_beta_schedule_matches_diffusers(submission, T, beta_start, beta_end):
    betas = submission.call("linear_beta_schedule", T, beta_start=beta_start, beta_end=beta_end)
    assert_close(betas, ref.linear_betas(T, beta_start, beta_end), name="betas")


@pytest.mark.points(1)
def test_linear_beta_schedule_rejects_bad_input(submission):
    for name, kwargs in (("T", {"T": 0}), ("beta_start", {"T": 10, "beta_start": 0.0}),
                         ("beta_end", {"T": 10, "beta_end": 1.5})):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("linear_beta_schedule", **kwargs)


@pytest.mark.points(1)
@pytest.mark.parametrize("T", [10, 1000])
def test_cosine_beta_schedule_matches_diffusers(submission, T):
    assert_close(submission.call("cosine_beta_schedule", T), ref.cosine_betas(T), name="betas")


@pytest.mark.points(1)
def test_cosine_beta_schedule_max_beta(submission):
    betas = submission.call("cosine_beta_schedule", 20, max_beta=0.2)
    assert_close(betas, ref.cosine_betas(20, max_beta=0.2), name="betas with max_beta=0.2")


@pytest.mark.points(1)
def test_cosine_beta_schedule_offset_s(submission):
    betas = submission.call("cosine_beta_schedule", 50, s=0.02)
    assert_close(betas, ref.cosine_betas_formula(50, s=0.02), dtype=F32, name="betas with s=0.02")


@pytest.mark.points(1)
def test_cosine_beta_schedule_rejects_bad_input(submission):
    for name, kwargs in (("T", {"T": 0}), ("max_beta", {"T": 10, "max_beta": 0.0}),
                         ("max_beta", {"T": 10, "max_beta": 1.5}), ("s", {"T": 10, "s": -0.1})):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("cosine_beta_schedule", **kwargs)


@pytest.mark.points(1)
@pytest.mark.parametrize("schedule,T,dtype", [("linear", 1000, F32), ("cosine", 100, F64)])
def test_alphas_cumprod(submission, device, schedule, T, dtype):
    betas = _betas(schedule, T)
    abar = submission.call("alphas_cumprod", betas.to(dtype).to(device))
    assert_close(abar, ref.alphas_cumprod(betas).to(device), dtype=dtype, name="alphas_cumprod")
    if dtype == F32:  # diffusers' own float32 cumprod of the same betas
        assert_close(abar, ref.alphas_cumprod_diffusers(betas).to(device), name="alphas_cumprod")


@pytest.mark.points(1)
def test_alphas_cumprod_rejects_2d_betas(submission, device):
    with pytest.raises(ValueError):
        submission.call("alphas_cumprod", _betas("linear", 10).reshape(2, 5).to(device))


# -- forward process ------------------------------------------------------------------------

Q_CASES = [  # (seed, dtype, schedule, T, shape, t): t covers 0 and T-1 in every case
    (0, F32, "linear", 1000, (4, 3, 8, 8), [0, 1, 500, 999]),
    (10, F64, "cosine", 1000, (5, 2, 6), [999, 0, 3, 700, 250]),
    (20, F32, "cosine", 50, (6, 16), [49, 7, 0, 0, 31, 12]),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype,schedule,T,shape,t", Q_CASES)
def test_q_sample_matches_add_noise(submission, device, seed, dtype, schedule, T, shape, t):
    abar = ref.alphas_cumprod(_betas(schedule, T)).to(dtype)
    x0, noise = (randn(*shape, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    x_t = submission.call("q_sample", x0, _steps(t, device), noise, abar.to(device))
    want = ref.q_sample(x0.double().cpu(), torch.tensor(t), noise.double().cpu(), abar.double())
    assert_close(x_t, want.to(device), dtype=dtype, name="x_t")


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["q_sample", "predict_x0"])
def test_forward_functions_reject_bad_input(submission, device, name):
    abar = ref.alphas_cumprod(_betas("linear", 10)).float().to(device)
    x, other = randn(3, 4, seed=30, device=device), randn(3, 4, seed=31, device=device)
    with pytest.raises(ValueError):  # second tensor of another shape
        submission.call(name, x, _steps([1, 2, 3], device), randn(3, 5, seed=32, device=device), abar)
    with pytest.raises(ValueError):  # one step for 2 of 3 samples
        submission.call(name, x, _steps([1, 2], device), other, abar)
    with pytest.raises(ValueError):  # step T
        submission.call(name, x, _steps([1, 2, 10], device), other, abar)


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,schedule,t", [(40, F32, "linear", [0, 999, 1, 400]),
                                                   (50, F64, "cosine", [999, 0, 998, 10])])
def test_predict_x0_matches_scheduler(submission, device, seed, dtype, schedule, t):
    abar = ref.alphas_cumprod(_betas(schedule, 1000)).to(dtype)
    x_t, eps = (randn(4, 2, 4, 4, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    x0 = submission.call("predict_x0", x_t, _steps(t, device), eps, abar.to(device))
    want = ref.predict_x0(x_t.double().cpu(), torch.tensor(t), eps.double().cpu(), abar.double())
    assert_close(x0, want.to(device), dtype=dtype, name="x0")


# -- reverse process ------------------------------------------------------------------------

STEP_CASES = [  # (t, schedule, dtype), T = 1000: first, second, middle and last steps
    (0, "linear", F64), (1, "linear", F64), (499, "cosine", F64), (999, "linear", F64), (999, "cosine", F64),
    (0, "cosine", F32), (999, "linear", F32),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("t,schedule,dtype", STEP_CASES + [(600, "cosine", F32)])
def test_posterior_mean_variance_matches_scheduler(submission, device, t, schedule, dtype):
    betas = _betas(schedule, 1000).to(dtype)
    x0, x_t = (randn(3, 2, 5, 5, seed=60 + t + i, dtype=dtype, device=device) for i in range(2))
    mean, variance = submission.call("posterior_mean_variance", x0, x_t, t, betas.to(device))
    want_mean, want_var = ref.posterior_mean_variance(x0.double().cpu(), x_t.double().cpu(), t, betas.double())
    assert_close(mean, want_mean.to(device), dtype=dtype, tol=_tol(dtype), name="posterior mean")
    assert_close(variance, want_var.to(device), dtype=dtype, tol=_tol(dtype), name="posterior variance")


@pytest.mark.points(1)
def test_posterior_mean_variance_rejects_bad_input(submission, device):
    betas = _betas("linear", 10).to(device)
    x = randn(2, 3, seed=70, device=device)
    for t in (10, -1):
        with pytest.raises(ValueError):
            submission.call("posterior_mean_variance", x, x, t, betas)
    with pytest.raises(ValueError):
        submission.call("posterior_mean_variance", randn(2, 4, seed=71, device=device), x, 3, betas)


@pytest.mark.points(1)
@pytest.mark.parametrize("t,schedule,dtype", STEP_CASES)
def test_ddpm_step_matches_diffusers(submission, device, t, schedule, dtype):
    betas = _betas(schedule, 1000).to(dtype)
    eps, x_t = (randn(3, 2, 6, 6, seed=80 + t + i, dtype=dtype, device=device) for i in range(2))
    want, noise = ref.ddpm_step(eps.double().cpu(), t, x_t.double().cpu(), betas.double(), seed=t)
    out = submission.call("ddpm_step", eps, t, x_t, betas.to(device), noise=noise.to(dtype).to(device))
    assert_close(out, want.to(device), dtype=dtype, tol=_tol(dtype), name="x_{t-1}")


@pytest.mark.points(1)
@pytest.mark.parametrize("t,dtype", [(0, F64), (250, F32), (999, F64)])
def test_ddpm_step_without_clipping(submission, device, t, dtype):
    betas = _betas("linear", 1000).to(dtype)
    eps, x_t = (randn(4, 8, seed=90 + t + i, dtype=dtype, device=device) for i in range(2))
    want, noise = ref.ddpm_step(eps.double().cpu(), t, x_t.double().cpu(), betas.double(), seed=t, clip_x0=False)
    out = submission.call("ddpm_step", eps, t, x_t, betas.to(device), noise=noise.to(dtype).to(device), clip_x0=False)
    assert_close(out, want.to(device), dtype=dtype, tol=_tol(dtype), name="x_{t-1} (clip_x0=False)")
    seed_formula = ref.ddpm_step_formula(eps.double().cpu(), t, x_t.double().cpu(), betas.double(), noise)
    assert_close(out, seed_formula.to(device), dtype=dtype, tol=_tol(dtype), name="x_{t-1} vs the DDPM sampling line")


@pytest.mark.points(1)
def test_ddpm_step_draws_noise_when_none(submission, device):
    # 8 × 4096 draws at t = 500: the standardised noise (out - mean) / σ must be N(0, 1); bounds are
    # 5 standard errors (mean 5/√n = 0.028, std 5/√(2n) = 0.020). At t = 0 no noise is drawn at all.
    betas = _betas("linear", 1000).double()
    eps, x_t = (randn(8, 4096, seed=100 + i, dtype=F64, device=device) for i in range(2))
    out = submission.call("ddpm_step", eps, 500, x_t, betas.to(device))
    assert out.device == device and out.dtype == F64, f"expected a float64 tensor on {device}, got {out.dtype} on {out.device}"
    want, noise = ref.ddpm_step(eps.cpu(), 500, x_t.cpu(), betas, seed=0)
    sigma = ref.posterior_variance(500, betas).sqrt()
    mean = want - sigma * noise
    z = (out.cpu() - mean) / sigma
    assert abs(z.mean().item()) < 0.028, f"the added noise should have mean 0, got {z.mean().item():.4f}"
    assert abs(z.std().item() - 1) < 0.020, f"the added noise should have std √β̃_t, got {z.std().item():.4f} · √β̃_t"
    at_zero = submission.call("ddpm_step", eps, 0, x_t, betas.to(device))
    want, _ = ref.ddpm_step(eps.cpu(), 0, x_t.cpu(), betas, seed=0)
    assert_close(at_zero, want.to(device), name="x_{-1} with noise=None at t=0")


@pytest.mark.points(1)
def test_ddpm_step_rejects_bad_input(submission, device):
    betas = _betas("linear", 10).to(device)
    x, eps = randn(2, 3, seed=110, device=device), randn(2, 3, seed=111, device=device)
    with pytest.raises(ValueError):
        submission.call("ddpm_step", eps, 10, x, betas)
    with pytest.raises(ValueError):
        submission.call("ddpm_step", randn(2, 4, seed=112, device=device), 3, x, betas)
    with pytest.raises(ValueError):
        submission.call("ddpm_step", eps, 3, x, betas, noise=randn(3, 3, seed=113, device=device))


DDIM_CASES = [  # (seed, schedule, T, num_inference_steps, t, eta, dtype); t - T // steps < 0 means t_prev = -1
    (120, "linear", 1000, 50, 999, 0.0, F64), (121, "cosine", 1000, 50, 519, 0.0, F64),
    (122, "linear", 1000, 50, 19, 0.0, F64), (123, "cosine", 1000, 50, 999, 0.0, F32),
    (124, "linear", 100, 10, 95, 0.5, F32), (125, "cosine", 1000, 20, 549, 1.0, F64),
    (126, "linear", 1000, 50, 10, 1.0, F64),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,schedule,T,steps,t,eta,dtype", DDIM_CASES)
def test_ddim_step_matches_diffusers(submission, device, seed, schedule, T, steps, t, eta, dtype):
    abar = ref.alphas_cumprod(_betas(schedule, T)).to(dtype)
    eps, x_t, noise = (randn(3, 2, 4, 4, seed=seed + i, dtype=dtype, device=device) for i in range(3))
    want, t_prev = ref.ddim_step(eps.double().cpu(), t, x_t.double().cpu(), abar.double(), steps, eta=eta,
                                 noise=noise.double().cpu() if eta > 0 else None)
    out = submission.call("ddim_step", eps, t, t_prev, x_t, abar.to(device), eta=eta, noise=noise)
    assert_close(out, want.to(device), dtype=dtype, name=f"x_{{t_prev}} (t={t}, t_prev={t_prev}, eta={eta})")


@pytest.mark.points(1)
def test_ddim_step_rejects_bad_input(submission, device):
    abar = ref.alphas_cumprod(_betas("linear", 10)).float().to(device)
    x, eps = randn(2, 3, seed=130, device=device), randn(2, 3, seed=131, device=device)
    for t, t_prev, eta, name in ((5, 5, 0.0, "t_prev"), (5, -2, 0.0, "t_prev"), (5, 3, -0.5, "eta"), (10, 3, 0.0, "t")):
        with pytest.raises(ValueError, match=name):  # the message names the parameter
            submission.call("ddim_step", eps, t, t_prev, x, abar, eta=eta)


# -- conditioning and training --------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dim,t", [(32, [0, 999, 1, 250, 500]), (64, [7, 0, 998])])
def test_time_embedding_matches_diffusers(submission, device, dim, t):
    steps = _steps(t, device)
    emb = submission.call("sinusoidal_time_embedding", steps, dim)
    assert_close(emb, ref.time_embedding_diffusers(steps, dim), dtype=F32, tol=EMBED_F32, name="embedding")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dim", [(140, 16), (141, 10)])
def test_time_embedding_of_fractional_float64_steps(submission, device, seed, dim):
    t = 1000 * torch.rand(6, generator=torch.Generator().manual_seed(seed), dtype=F64)
    emb = submission.call("sinusoidal_time_embedding", t.to(device), dim)
    assert_close(emb, ref.time_embedding(t, dim).to(device), name="embedding")


@pytest.mark.points(1)
def test_time_embedding_rejects_odd_dim(submission, device):
    for dim in (7, 33):
        with pytest.raises(ValueError, match="dim"):
            submission.call("sinusoidal_time_embedding", _steps([1, 2], device), dim)


def _eps_model(submission, device, dtype):
    """The trusted TinyEpsNet inside the submission's process, and a float64 CPU copy with its weights."""
    handle = submission.build("cvgrade.nets.diffusion.TinyEpsNet", channels=2, hidden=8, time_dim=8)
    handle = handle.method("to", device=device, dtype=dtype)
    local = TinyEpsNet(channels=2, hidden=8, time_dim=8)
    local.load_state_dict({k: v.cpu() for k, v in handle.state_dict().items()})
    return handle, local.double()


def _loss_inputs(seed, dtype, device):
    abar = ref.alphas_cumprod(_betas("linear", 1000)).to(dtype)
    x0, noise = (randn(4, 2, 8, 8, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    return x0, _steps([0, 999, 123, 640], device), noise, abar.to(device)


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,dtype", [(150, F32), (160, F64)])
def test_ddpm_loss_matches_reference(submission, device, seed, dtype):
    model, local = _eps_model(submission, device, dtype)
    x0, t, noise, abar = _loss_inputs(seed, dtype, device)
    loss = submission.call("ddpm_loss", model, x0, t, noise, abar)
    want = ref.ddpm_loss(local, x0.double().cpu(), t.cpu(), noise.double().cpu(), abar.double().cpu())
    assert_close(loss, want.detach().to(device), dtype=dtype, tol="reduction", name="loss")


@pytest.mark.points(2)
def test_ddpm_loss_gradients_reach_the_model(submission, device):
    model, local = _eps_model(submission, device, F64)
    x0, t, noise, abar = _loss_inputs(170, F64, device)
    got = submission.grad("ddpm_loss", model, x0, t, noise, abar, params_of=(model,))
    want = ref.ddpm_loss(local, x0.cpu(), t.cpu(), noise.cpu(), abar.cpu())
    want.backward()
    assert_close(got.value, want.detach().to(device), tol="reduction", name="loss")
    for name, param in local.named_parameters():
        assert_close(got.param_grads[0][name], param.grad.to(device), tol="reduction", name=f"d loss / d {name}")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,shape,scale", [(180, F32, (2, 4, 8, 8), 7.5), (190, F64, (5, 3), 3.0),
                                                    (200, F32, (3, 6), 0.5)])
def test_classifier_free_guidance(submission, device, seed, dtype, shape, scale):
    uncond, cond = (randn(*shape, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    out = submission.call("classifier_free_guidance", uncond, cond, scale)
    want = ref.classifier_free_guidance(uncond.double(), cond.double(), scale)
    assert_close(out, want, dtype=dtype, name="guided eps")


@pytest.mark.points(1)
def test_classifier_free_guidance_rejects_mismatched_shapes(submission, device):
    with pytest.raises(ValueError):
        submission.call("classifier_free_guidance", randn(2, 3, seed=210, device=device),
                        randn(2, 4, seed=211, device=device), 2.0)


# -- flow matching --------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,shape", [(220, F32, (4, 3, 8, 8)), (230, F64, (6, 5))])
def test_flow_matching_pair(submission, device, seed, dtype, shape):
    x0, x1 = (randn(*shape, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    t = torch.rand(shape[0], generator=torch.Generator().manual_seed(seed + 2), dtype=F64)
    t[:2] = torch.tensor([0.0, 1.0])  # both ends of the path
    x_t, v = submission.call("flow_matching_pair", x0, x1, t.to(dtype).to(device))
    want_x_t, want_v = ref.flow_matching_pair(x0.double(), x1.double(), t.to(dtype).to(device))
    assert_close(x_t, want_x_t, dtype=dtype, name="x_t")
    assert_close(v, want_v, dtype=dtype, name="v")


@pytest.mark.points(1)
def test_flow_matching_pair_rejects_bad_input(submission, device):
    x0, x1 = randn(3, 4, seed=240, device=device), randn(3, 4, seed=241, device=device)
    with pytest.raises(ValueError):  # one t for 2 of 3 samples
        submission.call("flow_matching_pair", x0, x1, torch.tensor([0.1, 0.2], device=device))
    with pytest.raises(ValueError):  # t outside [0, 1]
        submission.call("flow_matching_pair", x0, x1, torch.tensor([0.1, 1.5, 0.2], device=device))
    with pytest.raises(ValueError):
        submission.call("flow_matching_pair", x0, randn(3, 5, seed=242, device=device), torch.zeros(3, device=device))


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,dtype,dt", [(250, F32, 0.1), (260, F64, -0.25)])
def test_euler_step(submission, device, seed, dtype, dt):
    x, v = (randn(3, 2, 5, seed=seed + i, dtype=dtype, device=device) for i in range(2))
    out = submission.call("euler_step", x, v, dt)
    assert_close(out, ref.euler_step(x.double(), v.double(), dt), dtype=dtype, name="x + dt·v")


@pytest.mark.points(1)
def test_euler_step_rejects_mismatched_shapes(submission, device):
    with pytest.raises(ValueError):
        submission.call("euler_step", randn(3, 4, seed=270, device=device), randn(4, 3, seed=271, device=device), 0.1)
