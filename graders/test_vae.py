"""Hidden graders for `vae` (spec §3), against torch.distributions and F.binary_cross_entropy in float64.

Seeds are fixed per case and appear in the test ids; each input tensor of a case
uses its own seed (seed, seed + 1, ...), so no two inputs are equal.
"""

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import rand, randn
from cvgrade.tolerances import Tolerance
from reference import vae as ref

TOPIC = "vae"
GRADED_ALIASES = {"kl": "kl_divergence", "interpolate": "interpolate_latents", "linear_interpolation": "interpolate_latents",
                  "slerp": "interpolate_latents", "endpoints": "interpolate_latents"}  # test-name prefixes -> the graded name they check (feedback groups)
_TORCH_KL = ["torch.distributions.kl.kl_divergence", "torch.distributions.kl_divergence"]
REFERENCE_CALLS = {
    "reparameterize": ["torch.distributions.normal.Normal.rsample"],
    "kl_divergence": _TORCH_KL,
    "vae_loss": _TORCH_KL,
}

DTYPES = [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")]


def _pair(shape, seed, dtype, device):
    """(mu, logvar) with logvar in roughly [-2.5, 2.5], so std ranges from 0.3 to 3.5."""
    return randn(*shape, seed=seed, dtype=dtype, device=device), 1.2 * randn(*shape, seed=seed + 1, dtype=dtype, device=device)


# -- reparameterize -------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,shape", [(0, (5,)), (10, (4, 8)), (20, (2, 3, 6))])
def test_reparameterize_with_given_eps(submission, device, dtype, seed, shape):
    mu, logvar = _pair(shape, seed, dtype, device)
    eps = randn(*shape, seed=seed + 2, dtype=dtype, device=device)
    z = submission.call("reparameterize", mu, logvar, eps)
    assert_close(z, ref.reparameterize(mu.double(), logvar.double(), eps.double()), dtype=dtype, name="z")


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_reparameterize_gradients_reach_mu_and_logvar(submission, device, dtype):
    mu, logvar = _pair((6, 4), 30, dtype, device)
    eps = randn(6, 4, seed=32, dtype=dtype, device=device)
    upstream = randn(6, 4, seed=33, dtype=dtype, device=device)  # a generic dL/dz, not all ones
    got = submission.grad("reparameterize", mu.requires_grad_(), logvar.requires_grad_(), eps, grad_output=upstream)
    mu64, logvar64 = mu.detach().double().requires_grad_(), logvar.detach().double().requires_grad_()
    want = torch.autograd.grad(ref.reparameterize(mu64, logvar64, eps.double()), (mu64, logvar64), upstream.double())
    assert_close(got.input_grads[0], want[0], dtype=dtype, name="d z / d mu")
    assert_close(got.input_grads[1], want[1], dtype=dtype, name="d z / d logvar")


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_reparameterize_draws_standard_normal_noise(submission, device, dtype):
    # n = 200_000 draws: the standardised noise (z - mu) / std must be N(0, 1). Bounds are 5 standard
    # errors: mean 5/√n = 0.011, std 5/√(2n) = 0.0079, P(|eps| < 1) = 0.6827 ± 5·√(p(1-p)/n) = 0.0052.
    n = 200_000
    mu, logvar = _pair((n,), 40, dtype, device)
    z = submission.call("reparameterize", mu, logvar)
    assert_equal(z.shape, mu.shape, name="z.shape")
    assert z.dtype == dtype, f"z.dtype: expected {dtype}, got {z.dtype}"
    assert z.device == device, f"z.device: expected {device}, got {z.device}: draw the noise with torch.randn_like(mu)"
    eps = ((z.double() - mu.double()) / torch.exp(0.5 * logvar.double())).cpu()
    assert abs(eps.mean().item()) < 0.011, f"the noise should have mean 0, got {eps.mean().item():.4f}"
    assert abs(eps.std().item() - 1) < 0.0079, \
        f"(z - mu) / exp(logvar / 2) should have std 1, got {eps.std().item():.4f}: is the std exp(logvar / 2)?"
    inside = (eps.abs() < 1).double().mean().item()
    assert abs(inside - 0.6827) < 0.0052, f"{inside:.4f} of the noise lies in (-1, 1); a standard normal has 0.6827"


@pytest.mark.points(1)
def test_reparameterize_rejects_mismatched_shapes(submission, device):
    with pytest.raises(ValueError):
        submission.call("reparameterize", randn(3, 4, seed=50, device=device), randn(3, 5, seed=51, device=device))


# -- kl_divergence ---------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_kl_matches_torch_distributions(submission, device, dtype, reduction):
    for seed, shape in ((60, (7, 5)), (70, (2, 3, 4))):  # a batch of 7, and batch dims (2, 3)
        mu, logvar = _pair(shape, seed, dtype, device)
        kl = submission.call("kl_divergence", mu, logvar, reduction=reduction)
        expected = ref.kl_divergence(mu.double(), logvar.double(), reduction)
        assert_close(kl, expected, dtype=dtype, name=f"kl_divergence {tuple(shape)} {reduction!r}", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["shape_mismatch", "unknown_reduction"])
def test_kl_rejects_bad_input(submission, device, case):
    mu = randn(3, 4, seed=80, device=device)
    logvar = randn(3, 5 if case == "shape_mismatch" else 4, seed=81, device=device)
    with pytest.raises(ValueError):
        submission.call("kl_divergence", mu, logvar, reduction="batchmean" if case == "unknown_reduction" else "sum")


# -- vae_loss -------------------------------------------------------------------------------

def _loss_inputs(seed, dtype, device):
    """recon_x: probabilities in (0, 1); x: soft targets in [0, 1); a latent batch of 6 × 3."""
    recon_x = torch.sigmoid(randn(6, 20, seed=seed, dtype=dtype, device=device))
    x = rand(6, 20, seed=seed + 1, dtype=dtype, device=device)
    mu, logvar = _pair((6, 3), seed + 2, dtype, device)
    return recon_x, x, mu, logvar


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta", [1.0, 0.25, 4.0])
def test_vae_loss_matches_reference(submission, device, dtype, beta):
    recon_x, x, mu, logvar = _loss_inputs(90, dtype, device)
    got = submission.call("vae_loss", recon_x, x, mu, logvar, beta=beta)
    want = ref.vae_loss(recon_x.double(), x.double(), mu.double(), logvar.double(), beta)
    assert_close(got, want, dtype=dtype, name="(total, recon, kl)", tol="reduction")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_vae_loss_backpropagates(submission, device, dtype):
    inputs = [t.requires_grad_() for t in _loss_inputs(100, dtype, device)]
    got = submission.grad("vae_loss", *inputs, beta=0.5, output=0)
    leaves = [t.detach().double().requires_grad_() for t in inputs]
    want = torch.autograd.grad(ref.vae_loss(*leaves, 0.5)[0], leaves)
    for name, g, w in zip(("recon_x", "x", "mu", "logvar"), got.input_grads, want):
        assert_close(g, w, dtype=dtype, name=f"d total / d {name}")


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["shape_mismatch", "negative_beta"])
def test_vae_loss_rejects_bad_input(submission, device, case):
    recon_x, x, mu, logvar = _loss_inputs(110, torch.float32, device)
    if case == "shape_mismatch":
        recon_x = recon_x[:, :10]
    with pytest.raises(ValueError):
        submission.call("vae_loss", recon_x, x, mu, logvar, beta=-1.0 if case == "negative_beta" else 1.0)


# -- interpolate_latents ----------------------------------------------------------------------

def _latents(shape, seed, dtype, device):
    return randn(*shape, seed=seed, dtype=dtype, device=device), randn(*shape, seed=seed + 1, dtype=dtype, device=device)


def _expected(method, z_a, z_b, steps, device):
    build = ref.interpolate_linear if method == "linear" else ref.interpolate_slerp
    return torch.from_numpy(build(z_a.double().cpu().numpy(), z_b.double().cpu().numpy(), steps)).to(device)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,shape,steps", [(120, (8,), 5), (130, (3, 6), 7)])
def test_linear_interpolation(submission, device, dtype, seed, shape, steps):
    z_a, z_b = _latents(shape, seed, dtype, device)
    out = submission.call("interpolate_latents", z_a, z_b, steps, method="linear")
    assert_close(out, _expected("linear", z_a, z_b, steps, device), dtype=dtype, name="linear path")


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,shape,steps", [(140, (16,), 6), (150, (4, 5), 9)])
def test_slerp_matches_reference_formula(submission, device, dtype, seed, shape, steps):
    z_a, z_b = _latents(shape, seed, dtype, device)
    z_b = 3.0 * z_b  # different norms: slerp must normalise before measuring the angle
    out = submission.call("interpolate_latents", z_a, z_b, steps, method="slerp")
    assert_close(out, _expected("slerp", z_a, z_b, steps, device), dtype=dtype, name="slerp path")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("method", ["linear", "slerp"])
def test_endpoints_are_exact(submission, device, dtype, method):
    z_a, z_b = _latents((3, 10), 160, dtype, device)
    out = submission.call("interpolate_latents", z_a, z_b, 6, method=method)
    assert_equal(out.shape, torch.Size([6, 3, 10]), name="shape")
    assert_equal(out[0], z_a, name="row 0 (must be z_a exactly)")
    assert_equal(out[-1], z_b, name="row -1 (must be z_b exactly)")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_slerp_of_parallel_vectors_is_linear(submission, device, dtype):
    # row 0: z_b = 2.5 z_a with z_a of norm 3 and unit vector (±0.5, 0, ...), so both unit vectors and their
    # dot product 1 are exact in float32 too (angle 0, sin ω = 0); row 1: a generic pair, handled separately
    z_a, z_b = _latents((2, 8), 170, dtype, device)
    parallel = torch.tensor([1.5, 0, -1.5, 0, 1.5, 0, 0, -1.5], dtype=dtype, device=device)
    z_a, z_b = torch.stack([parallel, z_a[1]]), torch.stack([2.5 * parallel, z_b[1]])
    out = submission.call("interpolate_latents", z_a, z_b, 5, method="slerp")
    assert_close(out, _expected("slerp", z_a, z_b, 5, device), dtype=dtype, name="slerp path")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_slerp_of_unit_vectors_keeps_unit_norm_and_even_steps(submission, device, dtype):
    # independent of the reference formula: on the unit sphere slerp moves at constant angular speed
    z_a, z_b = _latents((12,), 180, dtype, device)
    z_a, z_b = z_a / z_a.norm(), z_b / z_b.norm()
    out = submission.call("interpolate_latents", z_a, z_b, 5, method="slerp").double()
    # a float32 path's norms err by a few ulps of 1 (1.2e-7) per operation of sin/cos/sum: 1e-5 is ~80 of them
    assert_close(out.norm(dim=-1), torch.ones(5, dtype=torch.float64, device=device), dtype=torch.float64,
                 name="norms along the path", tol=Tolerance(0.0, 1e-5))
    # acos near the step angle amplifies the dot product's 1e-7 error by 1/sin(angle) (under 3 here): 1e-4 covers it
    angles = torch.acos(torch.clamp((out[1:] * out[:-1]).sum(-1), -1, 1))
    assert_close(angles, angles.mean().expand(4), dtype=torch.float64, name="angle between consecutive steps",
                 tol=Tolerance(0.0, 1e-4))


@pytest.mark.points(1)
@pytest.mark.parametrize("case", ["shape_mismatch", "unknown_method", "one_step"])
def test_interpolate_rejects_bad_input(submission, device, case):
    z_a, z_b = _latents((6,), 190, torch.float32, device)
    kwargs = {"steps": 1 if case == "one_step" else 4, "method": "cubic" if case == "unknown_method" else "linear"}
    if case == "shape_mismatch":
        z_b = z_b[:5]
    with pytest.raises(ValueError):
        submission.call("interpolate_latents", z_a, z_b, **kwargs)
