"""Public tests for vae.py: small examples you can check by hand. Run with `pytest tests/test_vae.py`."""

import math

import pytest
import torch

import vae


def test_reparameterize_uses_std_not_variance():
    mu = torch.tensor([1.0, 2.0])
    logvar = torch.tensor([0.0, math.log(4.0)])  # variances 1 and 4, standard deviations 1 and 2
    eps = torch.tensor([1.0, 1.0])
    z = vae.reparameterize(mu, logvar, eps)
    assert torch.allclose(z, torch.tensor([2.0, 4.0])), f"z = mu + std * eps should be [2, 4], got {z.tolist()}"


def test_reparameterize_gradients_reach_mu_and_logvar():
    mu = torch.zeros(3, requires_grad=True)
    logvar = torch.zeros(3, requires_grad=True)
    vae.reparameterize(mu, logvar, torch.ones(3)).sum().backward()
    assert mu.grad is not None and logvar.grad is not None, "no gradient reached mu or logvar"
    # d z / d logvar = 0.5 * exp(0.5 * logvar) * eps = 0.5 here
    assert torch.allclose(logvar.grad, torch.full((3,), 0.5)), f"dz/dlogvar should be 0.5, got {logvar.grad.tolist()}"


def test_reparameterize_draws_noise_of_mu_shape():
    z = vae.reparameterize(torch.zeros(4, 2, dtype=torch.float64), torch.zeros(4, 2, dtype=torch.float64))
    assert z.shape == (4, 2) and z.dtype == torch.float64, f"got shape {tuple(z.shape)}, dtype {z.dtype}"


def test_reparameterize_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        vae.reparameterize(torch.zeros(2, 3), torch.zeros(2, 4))


def test_kl_is_zero_at_the_prior_and_half_mu_squared_for_unit_variance():
    zero = vae.kl_divergence(torch.zeros(2, 5), torch.zeros(2, 5), reduction="sum")
    assert abs(zero.item()) < 1e-7, f"KL(N(0, I) || N(0, I)) should be 0, got {zero.item()}"
    mu = torch.tensor([[1.0, 0.0], [2.0, 0.0]])
    per_sample = vae.kl_divergence(mu, torch.zeros(2, 2), reduction="none")
    assert torch.allclose(per_sample, torch.tensor([0.5, 2.0])), \
        f"with logvar = 0 the KL is sum(mu²)/2 per sample: expected [0.5, 2.0], got {per_sample.tolist()}"
    assert torch.isclose(vae.kl_divergence(mu, torch.zeros(2, 2), reduction="mean"), torch.tensor(1.25))
    assert torch.isclose(vae.kl_divergence(mu, torch.zeros(2, 2), reduction="sum"), torch.tensor(2.5))


def test_kl_rejects_unknown_reduction():
    with pytest.raises(ValueError):
        vae.kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3), reduction="batchmean")


def test_vae_loss_sums_bce_and_kl():
    recon_x = torch.full((2, 3), 0.5)
    x = torch.ones(2, 3)
    mu = torch.tensor([[1.0, 0.0]])
    total, recon, kl = vae.vae_loss(recon_x, x, mu, torch.zeros(1, 2), beta=2.0)
    assert math.isclose(recon.item(), 6 * math.log(2), rel_tol=1e-6), f"6 elements of -log(0.5): got {recon.item()}"
    assert math.isclose(kl.item(), 0.5, rel_tol=1e-6), f"expected kl 0.5, got {kl.item()}"
    assert math.isclose(total.item(), 6 * math.log(2) + 2 * 0.5, rel_tol=1e-6), "total = recon + beta * kl"


def test_linear_interpolation_small_example():
    out = vae.interpolate_latents(torch.tensor([0.0, 0.0]), torch.tensor([2.0, 4.0]), steps=3)
    expected = torch.tensor([[0.0, 0.0], [1.0, 2.0], [2.0, 4.0]])
    assert torch.allclose(out, expected), f"expected {expected.tolist()}, got {out.tolist()}"


def test_slerp_stays_on_the_unit_circle():
    out = vae.interpolate_latents(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), steps=3, method="slerp")
    half = math.sqrt(0.5)
    expected = torch.tensor([[1.0, 0.0], [half, half], [0.0, 1.0]])
    assert torch.allclose(out, expected, atol=1e-6), f"the midpoint of a quarter circle is (√½, √½); got {out.tolist()}"


def test_interpolation_rejects_unknown_method():
    with pytest.raises(ValueError):
        vae.interpolate_latents(torch.zeros(2), torch.ones(2), steps=4, method="cubic")
