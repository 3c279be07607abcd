"""Public tests for gan.py: small examples you can check by hand. Run with `pytest tests/test_gan.py`."""

import math

import pytest
import torch

import gan


def test_discriminator_loss_at_zero_logits_is_two_log_two():
    loss = gan.discriminator_loss(torch.zeros(4), torch.zeros(3))
    # sigmoid(0) = 0.5 for every sample: -log(0.5) for the real term plus -log(0.5) for the fake term
    assert math.isclose(loss.item(), 2 * math.log(2), rel_tol=1e-6), f"expected 2·log 2 = 1.386, got {loss.item()}"


def test_losses_take_logits_and_stay_finite():
    logits = torch.tensor([100.0, -100.0])
    losses = {
        "discriminator_loss": gan.discriminator_loss(logits, logits),
        "generator_loss non_saturating": gan.generator_loss(logits, "non_saturating"),
        "generator_loss minimax": gan.generator_loss(logits, "minimax"),
    }
    for name, value in losses.items():
        assert torch.isfinite(value), f"{name} is {value.item()} for logits ±100: work on logits, not on sigmoid(logits)"
    # BCE(100, 1) ≈ 0 and BCE(-100, 1) ≈ 100, so the mean is ≈ 50
    assert math.isclose(losses["generator_loss non_saturating"].item(), 50.0, rel_tol=1e-5)


def test_label_smoothing_changes_only_the_real_term():
    fake = torch.tensor([-3.0, 2.0])
    base = gan.discriminator_loss(torch.zeros(2), fake, real_label=1.0)
    smooth = gan.discriminator_loss(torch.zeros(2), fake, real_label=0.9)
    # at a real logit of 0 the BCE is log 2 whatever the label, so smoothing must not change anything here
    assert math.isclose(base.item(), smooth.item(), rel_tol=1e-6), \
        f"smoothing changed the loss from {base.item()} to {smooth.item()}: did it touch the fake labels?"


def test_generator_loss_rejects_unknown_kind():
    with pytest.raises(ValueError):
        gan.generator_loss(torch.zeros(2), kind="wasserstein")


def test_dcgan_init_sets_batchnorm():
    bn = torch.nn.BatchNorm2d(8)
    bn.bias.data.fill_(3.0)
    gan.dcgan_weights_init(bn)
    assert torch.all(bn.bias == 0), "BatchNorm bias should be 0"
    assert (bn.weight - 1).abs().max() < 0.2, "BatchNorm weight should be drawn around 1"


def test_generator_and_discriminator_shapes():
    g = gan.Generator(nz=8, ngf=4, nc=3)
    d = gan.Discriminator(nc=3, ndf=4)
    images = g(torch.randn(2, 8, 1, 1))
    assert images.shape == (2, 3, 64, 64), f"Generator output should be (2, 3, 64, 64), got {tuple(images.shape)}"
    assert images.abs().max() <= 1, "Generator output should lie in [-1, 1] (tanh)"
    logits = d(images)
    assert logits.shape == (2,), f"Discriminator should return one logit per image, shape (2,), got {tuple(logits.shape)}"


def test_conditional_generator_uses_labels():
    g = gan.ConditionalGenerator(nz=4, num_classes=3, embed_dim=5, img_shape=(1, 8, 8))
    assert isinstance(g.label_embedding, torch.nn.Embedding)
    z = torch.randn(1, 4).repeat(3, 1)
    images = g(z, torch.tensor([0, 1, 2]))
    assert images.shape == (3, 1, 8, 8)
    assert not torch.allclose(images[0], images[1]), "different labels should give different images for the same noise"


def test_gradient_penalty_of_a_linear_critic():
    # critic(x) = w · x with ‖w‖ = 2, so the gradient norm is 2 everywhere and the penalty is (2 - 1)² = 1
    critic = torch.nn.Linear(4, 1, bias=False)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[2.0, 0.0, 0.0, 0.0]]))
    penalty = gan.gradient_penalty(critic, torch.randn(3, 4), torch.randn(3, 4), torch.rand(3))
    assert math.isclose(penalty.item(), 1.0, rel_tol=1e-6), f"expected 1.0, got {penalty.item()}"
    penalty.backward()
    assert critic.weight.grad is not None, "the penalty must back-propagate to the critic (create_graph=True)"
