"""Denoising diffusion: noise schedules, the forward process, DDPM and DDIM reverse
steps, time embeddings, the training loss, classifier-free guidance and flow matching.

Timestep indices are 0-based, t ∈ {0, …, T−1}, as in diffusers. Every function works
on the device and dtype of its tensor inputs (schedules are cast to the dtype of the
images they act on) and returns that dtype.
"""

import math

import torch
import torch.nn.functional as F


# -- input checks (shared by the functions below) ------------------------------

def _check_int(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def _check_schedule(name: str, schedule: torch.Tensor) -> None:
    if schedule.ndim != 1 or not schedule.is_floating_point():
        raise ValueError(f"{name} must be a 1-D floating tensor of length T, "
                         f"got shape {tuple(schedule.shape)} and dtype {schedule.dtype}")


def _check_same_shape(name: str, tensor: torch.Tensor, ref_name: str, ref: torch.Tensor) -> None:
    if tensor.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {tuple(ref.shape)}, "
                         f"got {tuple(tensor.shape)}")


def _check_batched(name: str, x: torch.Tensor) -> None:
    if x.ndim < 1:
        raise ValueError(f"{name} must have a batch dimension (B, ...), got a 0-dim tensor")


def _check_timesteps(t: torch.Tensor, batch: int, T: int) -> None:
    if t.ndim != 1 or t.shape[0] != batch or t.is_floating_point() or t.is_complex():
        raise ValueError(f"t must be a (B,) = ({batch},) integer tensor, "
                         f"got shape {tuple(t.shape)} and dtype {t.dtype}")
    if batch and (int(t.min()) < 0 or int(t.max()) >= T):
        raise ValueError(f"t must lie in [0, T-1] = [0, {T - 1}], got values in "
                         f"[{int(t.min())}, {int(t.max())}]")


def _check_step(name: str, t, T: int, minimum: int = 0) -> None:
    if isinstance(t, bool) or not isinstance(t, int) or not minimum <= t < T:
        raise ValueError(f"{name} must be an int in [{minimum}, T-1] = [{minimum}, {T - 1}], got {t!r}")


# -- noise schedules -----------------------------------------------------------

def linear_beta_schedule(T: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    """float32 (T,) betas spaced linearly from beta_start to beta_end (DDPM, Ho et al. 2020).

    T >= 1 and both betas in (0, 1), else ValueError.
    """
    raise NotImplementedError("diffusion.linear_beta_schedule: not implemented yet")


def cosine_beta_schedule(T: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """float32 (T,) cosine schedule (Nichol & Dhariwal 2021).

    With f(u) = cos²((u + s)/(1 + s) · π/2): β_t = min(1 − f((t+1)/T) / f(t/T), max_beta).
    T >= 1, s >= 0 and max_beta in (0, 1], else ValueError.
    """
    raise NotImplementedError("diffusion.cosine_beta_schedule: not implemented yet")


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    """ᾱ_t = Π_{i<=t} (1 − β_i), same shape, dtype and device as the 1-D `betas`."""
    raise NotImplementedError("diffusion.alphas_cumprod: not implemented yet")


# -- forward process -----------------------------------------------------------

def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
             alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise, with `t` a (B,) integer tensor, one step per sample.

    `x0` and `noise` are (B, ...) of the same shape; ᾱ_t is broadcast over the non-batch dims.
    """
    raise NotImplementedError("diffusion.q_sample: not implemented yet")


def predict_x0(x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor,
               alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """Invert q_sample given the noise: x0 = (x_t − √(1 − ᾱ_t) · eps) / √ᾱ_t; `t` is (B,) as in q_sample."""
    raise NotImplementedError("diffusion.predict_x0: not implemented yet")


# -- reverse process -----------------------------------------------------------

def posterior_mean_variance(x0: torch.Tensor, x_t: torch.Tensor, t: int,
                            betas: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and variance of q(x_{t−1} | x_t, x0) for an int step `t`, with ᾱ_{−1} = 1.

    μ̃ = √ᾱ_{t−1} β_t/(1−ᾱ_t) · x0 + √α_t (1−ᾱ_{t−1})/(1−ᾱ_t) · x_t, shaped like x_t;
    β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t) · β_t, a 0-dim tensor. Both in x_t's dtype.
    """
    raise NotImplementedError("diffusion.posterior_mean_variance: not implemented yet")


def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, betas: torch.Tensor,
              noise: torch.Tensor | None = None, clip_x0: bool = True) -> torch.Tensor:
    """One ancestral step x_t → x_{t−1} for an ε-predicting model ("fixed_small" variance).

    Predict x0 from eps (clamped to [−1, 1] when `clip_x0`), take the posterior mean and,
    when t > 0, add √β̃_t · noise (`noise` drawn with randn_like when None). x_t is (B, ...).
    """
    raise NotImplementedError("diffusion.ddpm_step: not implemented yet")


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alphas_cumprod: torch.Tensor,
              eta: float = 0.0, noise: torch.Tensor | None = None) -> torch.Tensor:
    """One DDIM step x_t → x_{t_prev} (Song et al. 2021), no clipping; t_prev = −1 means ᾱ = 1.

    x_prev = √ᾱ_prev · x0 + √(1 − ᾱ_prev − σ²) · eps + σ · noise, with x0 predicted from eps and
    σ = eta · √((1−ᾱ_prev)/(1−ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev); noise (randn_like when None) only when eta > 0.
    """
    raise NotImplementedError("diffusion.ddim_step: not implemented yet")


# -- conditioning and training -------------------------------------------------

def sinusoidal_time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """(B, dim) embedding [sin(t·f), cos(t·f)] with f_i = exp(−ln(10000) · i/(dim/2 − 1)), i < dim/2.

    `t` is a (B,) tensor of (possibly fractional) steps; the result has t's dtype when t is
    floating, float32 otherwise. `dim` must be even and >= 4, else ValueError.
    """
    raise NotImplementedError("diffusion.sinusoidal_time_embedding: not implemented yet")


def ddpm_loss(model, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
              alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """Simple DDPM objective: mean squared error between `noise` and model(q_sample(x0, t, noise), t).

    Returns a 0-dim tensor that back-propagates into the model's parameters.
    """
    raise NotImplementedError("diffusion.ddpm_loss: not implemented yet")


def classifier_free_guidance(eps_uncond: torch.Tensor, eps_cond: torch.Tensor, scale: float) -> torch.Tensor:
    """Guided noise eps_uncond + scale · (eps_cond − eps_uncond); scale 1 gives eps_cond.

    Both predictions must have the same shape, else ValueError.
    """
    raise NotImplementedError("diffusion.classifier_free_guidance: not implemented yet")


# -- flow matching -------------------------------------------------------------

def flow_matching_pair(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rectified-flow training pair: x_t = (1 − t) · x0 + t · x1 and target velocity v = x1 − x0.

    `x0` (noise) and `x1` (data) are (B, ...) of one shape; `t` is a (B,) floating tensor in
    [0, 1], broadcast over the non-batch dims.
    """
    raise NotImplementedError("diffusion.flow_matching_pair: not implemented yet")


def euler_step(x: torch.Tensor, v: torch.Tensor, dt: float) -> torch.Tensor:
    """One explicit Euler step of dx/dt = v: x + dt · v. `v` must have x's shape, else ValueError."""
    raise NotImplementedError("diffusion.euler_step: not implemented yet")
