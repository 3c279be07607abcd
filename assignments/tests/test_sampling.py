"""Public tests for sampling.py: small examples you can check by hand.

Run them with `python -m pytest tests/test_sampling.py` from the folder of sampling.py.
The hidden graders compare whole sampling trajectories with diffusers' DDPMScheduler,
DDIMScheduler and FlowMatchEulerDiscreteScheduler step loops, seed for seed.
"""

import pytest
import torch
from torch import nn

import sampling


class Recorder(nn.Module):
    """A model that records what it is called with and answers with `answer(x, t, *labels)`."""

    def __init__(self, answer):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros((), dtype=torch.float64))  # fixes the sample's dtype: float64
        self.answer, self.calls = answer, []

    def forward(self, x, t, *labels):
        self.calls.append((x.clone(), t.clone(), *[label.clone() for label in labels]))
        return self.answer(x, t, *labels) + self.weight


def true_eps(alphas_cumprod, data):
    """The exact noise of x_t when every training image is `data`: (x_t − √ᾱ_t · data) / √(1 − ᾱ_t)."""
    def answer(x, t):
        abar = alphas_cumprod[t].reshape(-1, *[1] * (x.ndim - 1))
        return (x - abar.sqrt() * data) / (1 - abar).sqrt()
    return answer


BETAS = torch.linspace(1e-3, 0.2, 20, dtype=torch.float64)
ABAR = torch.cumprod(1 - BETAS, dim=0)
SHAPE = (2, 1, 4, 4)


def test_ddpm_sample_lands_on_the_data_with_the_true_noise():
    model = Recorder(true_eps(ABAR, 0.5))
    x = sampling.ddpm_sample(model, SHAPE, BETAS, generator=torch.Generator().manual_seed(1))
    assert x.shape == SHAPE and x.dtype == torch.float64, \
        f"the sample has the requested shape and the model's dtype (float64 here), got {tuple(x.shape)} {x.dtype}"
    # at t = 0 (ᾱ_{-1} = 1) the step returns the predicted x0, which the true noise makes exact
    assert torch.allclose(x, torch.full(SHAPE, 0.5, dtype=torch.float64)), f"expected every pixel 0.5, got {x.flatten()[:4]}"


def test_ddpm_sample_calls_the_model_once_per_step_from_x_T():
    model = Recorder(true_eps(ABAR, 0.0))
    sampling.ddpm_sample(model, SHAPE, BETAS, generator=torch.Generator().manual_seed(3))
    steps = [int(t[0]) for _, t in model.calls]
    assert steps == list(range(19, -1, -1)), f"ddpm_sample should call model(x, t) at t = 19, 18, ..., 0, got {steps}"
    t = model.calls[0][1]
    assert t.dtype == torch.int64 and t.shape == (2,), f"t is a (B,) int64 tensor, got {t.dtype} of shape {tuple(t.shape)}"
    x_T = torch.randn(SHAPE, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    assert torch.equal(model.calls[0][0], x_T), "x_T must be the first draw: torch.randn(shape, generator=generator, dtype=dtype)"


def test_ddpm_sample_runs_without_gradients():
    x = sampling.ddpm_sample(Recorder(true_eps(ABAR, 0.0)), SHAPE, BETAS, generator=torch.Generator().manual_seed(0))
    assert not x.requires_grad, "sample under torch.no_grad(): the result should not require grad"


def test_ddim_timesteps_leading_spacing():
    steps = sampling.ddim_timesteps(1000, 4)
    assert steps.dtype == torch.int64, f"ddim_timesteps returns int64, got {steps.dtype}"
    assert steps.tolist() == [750, 500, 250, 0], f"ddim_timesteps(1000, 4) = 250 · [3, 2, 1, 0], got {steps.tolist()}"
    assert sampling.ddim_timesteps(10, 3).tolist() == [6, 3, 0], "10 // 3 = 3: the steps are [6, 3, 0]"


def test_ddim_timesteps_rejects_more_steps_than_T():
    with pytest.raises(ValueError, match="num_inference_steps"):
        sampling.ddim_timesteps(10, 11)


def test_ddim_sample_with_the_true_noise_and_eta_0():
    model = Recorder(true_eps(ABAR, -0.25))
    generator = torch.Generator().manual_seed(2)
    x = sampling.ddim_sample(model, SHAPE, ABAR, 5, generator=generator)
    assert [int(t[0]) for _, t in model.calls] == [16, 12, 8, 4, 0], "ddim_sample walks ddim_timesteps(20, 5)"
    assert torch.allclose(x, torch.full(SHAPE, -0.25, dtype=torch.float64)), "with the true noise DDIM lands on the data"
    expected = torch.Generator().manual_seed(2)
    torch.randn(SHAPE, generator=expected, dtype=torch.float64)
    assert torch.equal(generator.get_state(), expected.get_state()), "with eta = 0 the only draw is x_T"


def test_ddim_sample_with_eta_draws_noise_at_every_step():
    generator = torch.Generator().manual_seed(6)
    sampling.ddim_sample(Recorder(true_eps(ABAR, 0.0)), SHAPE, ABAR, 5, eta=0.5, generator=generator)
    expected = torch.Generator().manual_seed(6)
    for _ in range(1 + 5):
        torch.randn(SHAPE, generator=expected, dtype=torch.float64)
    assert torch.equal(generator.get_state(), expected.get_state()), \
        "with eta > 0 ddim_sample draws x_T, then one z per step, the last step too (as DDIMScheduler.step): 1 + 5 draws"


def test_drop_labels_rule():
    labels = torch.arange(8)
    kept = sampling.drop_labels(labels, 0.0, 99, generator=torch.Generator().manual_seed(0))
    dropped = sampling.drop_labels(labels, 1.0, 99, generator=torch.Generator().manual_seed(0))
    assert torch.equal(kept, labels), f"p = 0 keeps every label, got {kept.tolist()}"
    assert torch.equal(dropped, torch.full_like(labels, 99)), f"p = 1 drops every label, got {dropped.tolist()}"
    u = torch.rand(labels.shape, generator=torch.Generator().manual_seed(5))
    got = sampling.drop_labels(labels, 0.5, 99, generator=torch.Generator().manual_seed(5))
    assert torch.equal(got, torch.where(u < 0.5, 99, labels)), \
        f"a label is dropped where torch.rand(labels.shape, generator=generator) < p; got {got.tolist()}"


def test_guided_eps_one_batched_forward():
    # ε depends on the label only: label + 10·(label is the null label 4)
    model = Recorder(lambda x, t, labels: (labels + 10.0 * (labels == 4)).double().reshape(-1, 1).expand(-1, 3))
    x, t, labels = torch.zeros(2, 3, dtype=torch.float64), torch.tensor([5, 5]), torch.tensor([1, 2])
    for scale, expected in ((0.0, [[14.0] * 3] * 2), (1.0, [[1.0] * 3, [2.0] * 3]), (3.0, [[-25.0] * 3, [-22.0] * 3])):
        model.calls.clear()
        eps = sampling.guided_eps(model, x, t, labels, 4, scale)
        assert len(model.calls) == 1 and model.calls[0][0].shape == (4, 3), \
            "guided_eps calls the model once, on the batch [x, x] of 2B rows"
        assert model.calls[0][2].tolist() == [1, 2, 4, 4], "the labels of that call are [labels, null]"
        assert torch.allclose(eps, torch.tensor(expected, dtype=torch.float64)), \
            f"scale {scale}: ε_u + scale·(ε_c − ε_u) should be {expected}, got {eps.tolist()}"


def test_class_conditional_embedding_layers_and_output():
    module = sampling.ClassConditionalEmbedding(num_classes=10, dim=8)
    mlp = module.time_mlp
    assert isinstance(mlp, nn.Sequential) and [type(m) for m in mlp] == [nn.Linear, nn.SiLU, nn.Linear], \
        f"time_mlp is Sequential(Linear, SiLU, Linear), got {mlp}"
    assert (mlp[0].in_features, mlp[0].out_features, mlp[2].out_features) == (8, 32, 8), "dim → 4·dim → dim"
    assert isinstance(module.label_embedding, nn.Embedding) and module.label_embedding.num_embeddings == 11, \
        "label_embedding has num_classes + 1 rows: the last one is the null label"
    out = module(torch.tensor([0, 0]), torch.tensor([3, 10]))
    emb0 = torch.tensor([[0.0] * 4 + [1.0] * 4])  # t = 0: [sin 0 …, cos 0 …]
    expected = mlp(emb0) + module.label_embedding.weight[[3, 10]]
    assert out.shape == (2, 8) and torch.allclose(out, expected, atol=1e-6), \
        "forward(t, labels) = time_mlp(sinusoid(t)) + label_embedding(labels)"


def test_flow_sample_with_a_constant_velocity():
    model = Recorder(lambda x, t: torch.full_like(x, 2.0))
    generator = torch.Generator().manual_seed(4)
    x = sampling.flow_sample(model, (3, 2), 4, generator=generator)
    x_0 = torch.randn((3, 2), generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    assert torch.allclose(x, x_0 + 2.0), "4 Euler steps of size 1/4 along v = 2 move x_0 by 2"
    times = [float(t[0]) for _, t in model.calls]
    assert times == [0.0, 0.25, 0.5, 0.75], f"the velocity is read at t_k = k/steps, got {times}"
    assert model.calls[0][1].dtype == torch.float64, "t has the sample's dtype"
