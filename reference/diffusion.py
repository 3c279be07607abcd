"""diffusers-backed references for the diffusion graders, computed in float64 on the CPU.

diffusers keeps its schedules in float32; the scheduler references below replace them
with float64 tensors built from the schedule the student was given, so the library's own
step logic runs in float64. Inputs must be float64 CPU tensors.
"""

import math

import torch
import torch.nn.functional as F
from diffusers import DDIMScheduler, DDPMScheduler
from diffusers.models.embeddings import get_timestep_embedding
from diffusers.schedulers.scheduling_ddpm import betas_for_alpha_bar

F64 = torch.float64


# -- schedules -----------------------------------------------------------------

def linear_betas(T: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    """diffusers' float32 linear betas."""
    return DDPMScheduler(num_train_timesteps=T, beta_start=beta_start, beta_end=beta_end,
                         beta_schedule="linear").betas


def cosine_betas(T: int, max_beta: float = 0.999) -> torch.Tensor:
    """diffusers' float32 "squaredcos_cap_v2" betas (s = 0.008 is fixed in diffusers)."""
    if max_beta == 0.999:
        return DDPMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2").betas
    return betas_for_alpha_bar(T, max_beta=max_beta)


def cosine_betas_formula(T: int, s: float, max_beta: float = 0.999) -> torch.Tensor:
    """Nichol & Dhariwal's cosine betas for any offset `s`, float64 (the formula diffusers uses with s = 0.008)."""
    def f(u: float) -> float:
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2

    return torch.tensor([min(1 - f((i + 1) / T) / f(i / T), max_beta) for i in range(T)], dtype=F64)


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    """float64 ᾱ of `betas` (diffusers' definition, `cumprod(1 - betas)`, without its float32 cast)."""
    return torch.cumprod(1 - betas.to(F64), dim=0)


def alphas_cumprod_diffusers(betas: torch.Tensor) -> torch.Tensor:
    """DDPMScheduler's own float32 ᾱ for `betas` (passed as trained_betas)."""
    return DDPMScheduler(num_train_timesteps=betas.shape[0], trained_betas=betas.cpu().numpy()).alphas_cumprod


def _ddpm(alphas_cumprod: torch.Tensor, clip_sample: bool = True) -> DDPMScheduler:
    """A DDPMScheduler ("fixed_small", epsilon prediction) whose schedule is the given float64 ᾱ."""
    sched = DDPMScheduler(num_train_timesteps=alphas_cumprod.shape[0], clip_sample=clip_sample)
    sched.alphas_cumprod = alphas_cumprod.to(F64)
    sched.alphas = sched.alphas_cumprod / torch.cat([torch.ones(1, dtype=F64), sched.alphas_cumprod[:-1]])
    sched.betas = 1 - sched.alphas
    sched.one = torch.tensor(1.0, dtype=F64)
    return sched


# -- forward process -----------------------------------------------------------

def q_sample(x0, t, noise, alphas_cumprod):
    """DDPMScheduler.add_noise."""
    return _ddpm(alphas_cumprod).add_noise(x0, noise, t)


def predict_x0(x_t, t, eps, alphas_cumprod):
    """x0 from DDPMScheduler.step's `pred_original_sample` (no clipping), one step per sample."""
    sched = _ddpm(alphas_cumprod, clip_sample=False)
    return torch.stack([sched.step(e[None], int(s), x[None], generator=torch.Generator()).pred_original_sample[0]
                        for e, s, x in zip(eps, t, x_t)])


# -- reverse process -----------------------------------------------------------

def _noise_like(x: torch.Tensor, seed: int) -> torch.Tensor:
    """The variance noise DDPMScheduler.step draws with `generator=torch.Generator().manual_seed(seed)`
    (diffusers' randn_tensor with a CPU generator: one torch.randn of the model output's shape and dtype)."""
    return torch.randn(x.shape, generator=torch.Generator().manual_seed(seed), dtype=x.dtype)


def ddpm_step(eps, t: int, x_t, betas, seed: int, clip_x0: bool = True):
    """DDPMScheduler.step with its noise drawn from `seed`; returns (x_{t-1}, the noise it drew)."""
    sched = _ddpm(alphas_cumprod(betas), clip_sample=clip_x0)
    prev = sched.step(eps, t, x_t, generator=torch.Generator().manual_seed(seed)).prev_sample
    return prev, _noise_like(eps, seed)


def ddpm_step_formula(eps, t: int, x_t, betas, noise):
    """The DDPM paper's sampling line: 1/√α_t (x_t − β_t/√(1−ᾱ_t) ε) + σ_t z, σ_t² = β̃_t, z = 0 at t = 0."""
    betas = betas.to(F64)
    abar = alphas_cumprod(betas)
    abar_prev = abar[t - 1] if t > 0 else torch.tensor(1.0, dtype=F64)
    mean = (x_t - betas[t] / (1 - abar[t]).sqrt() * eps) / (1 - betas[t]).sqrt()
    sigma = ((1 - abar_prev) / (1 - abar[t]) * betas[t]).sqrt()
    return mean + sigma * noise if t > 0 else mean


def posterior_variance(t: int, betas):
    """β̃_t: DDPMScheduler's "fixed_small" `_get_variance(t)`, 0 at t = 0 (where diffusers clamps it to 1e-20)."""
    if t == 0:
        return torch.tensor(0.0, dtype=F64)
    return _ddpm(alphas_cumprod(betas))._get_variance(t)


def posterior_mean_variance(x0, x_t, t: int, betas):
    """(μ̃, β̃_t) from DDPMScheduler: β̃_t = `_get_variance(t)` ("fixed_small"); μ̃ is `step`'s output for the
    ε that reproduces x0 exactly, minus the noise term step added (known from its generator's seed)."""
    abar = alphas_cumprod(betas)
    sched = _ddpm(abar, clip_sample=False)
    variance = posterior_variance(t, betas)
    eps = (x_t - abar[t].sqrt() * x0) / (1 - abar[t]).sqrt()
    prev = sched.step(eps, t, x_t, generator=torch.Generator().manual_seed(0)).prev_sample
    mean = prev - variance.sqrt() * _noise_like(eps, 0) if t > 0 else prev
    return mean, variance


def ddim_step(eps, t: int, x_t, alphas_cumprod, num_inference_steps: int, eta: float = 0.0, noise=None):
    """DDIMScheduler.step (clip_sample=False, set_alpha_to_one=True) from `t` to t − T // num_inference_steps.

    Returns (x_prev, t_prev) with t_prev clamped to −1 once negative (where diffusers uses ᾱ = 1).
    """
    T = alphas_cumprod.shape[0]
    sched = DDIMScheduler(num_train_timesteps=T, clip_sample=False, set_alpha_to_one=True)
    sched.alphas_cumprod = alphas_cumprod.to(F64)
    sched.final_alpha_cumprod = torch.tensor(1.0, dtype=F64)
    sched.set_timesteps(num_inference_steps)
    out = sched.step(eps, t, x_t, eta=eta, variance_noise=noise).prev_sample
    return out, max(t - T // num_inference_steps, -1)


# -- conditioning and training -------------------------------------------------

def time_embedding_diffusers(t, dim: int):
    """diffusers' float32 embedding with the contract's layout ([sin, cos], shift 1)."""
    return get_timestep_embedding(t, dim, flip_sin_to_cos=False, downscale_freq_shift=1)


def time_embedding(t, dim: int):
    """float64 [sin(t f), cos(t f)], f_i = exp(−ln 10000 · i/(dim/2 − 1)): diffusers' formula without its float32 cast."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=F64) / (half - 1))
    angles = t.to(F64)[:, None] * freqs[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=-1)


def ddpm_loss(model, x0, t, noise, alphas_cumprod):
    """MSE between the noise and a float64 model's prediction at DDPMScheduler.add_noise(x0, noise, t)."""
    return F.mse_loss(model(q_sample(x0, t, noise, alphas_cumprod), t), noise)


def classifier_free_guidance(eps_uncond, eps_cond, scale):
    """Ho & Salimans' guided prediction (the formula diffusers pipelines use)."""
    return eps_uncond + scale * (eps_cond - eps_uncond)


def flow_matching_pair(x0, x1, t):
    """Rectified-flow interpolant and its constant velocity."""
    s = t.to(F64).reshape(-1, *[1] * (x0.ndim - 1))
    return (1 - s) * x0 + s * x1, x1 - x0


def euler_step(x, v, dt):
    """x + dt · v."""
    return x + dt * v
