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
    ### BEGIN SOLUTION
    _check_int("T", T, 1)
    for name, beta in (("beta_start", beta_start), ("beta_end", beta_end)):
        if not 0 < beta < 1:
            raise ValueError(f"{name} must lie in (0, 1), got {beta!r}")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)
    ### END SOLUTION


def cosine_beta_schedule(T: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """float32 (T,) cosine schedule (Nichol & Dhariwal 2021).

    With f(u) = cos²((u + s)/(1 + s) · π/2): β_t = min(1 − f((t+1)/T) / f(t/T), max_beta).
    T >= 1, s >= 0 and max_beta in (0, 1], else ValueError.
    """
    ### BEGIN SOLUTION
    _check_int("T", T, 1)
    if not s >= 0:
        raise ValueError(f"s must be >= 0, got {s!r}")
    if not 0 < max_beta <= 1:
        raise ValueError(f"max_beta must lie in (0, 1], got {max_beta!r}")
    u = torch.arange(T + 1, dtype=torch.float64) / T
    f = torch.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    betas = (1 - f[1:] / f[:-1]).clamp(max=max_beta)
    return betas.to(torch.float32)
    ### END SOLUTION


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    """ᾱ_t = Π_{i<=t} (1 − β_i), same shape, dtype and device as the 1-D `betas`."""
    ### BEGIN SOLUTION
    _check_schedule("betas", betas)
    return torch.cumprod(1 - betas, dim=0)
    ### END SOLUTION


# -- forward process -----------------------------------------------------------

def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
             alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · noise, with `t` a (B,) integer tensor, one step per sample.

    `x0` and `noise` are (B, ...) of the same shape; ᾱ_t is broadcast over the non-batch dims.
    """
    ### BEGIN SOLUTION
    _check_batched("x0", x0)
    _check_same_shape("noise", noise, "x0", x0)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_timesteps(t, x0.shape[0], alphas_cumprod.shape[0])
    a = alphas_cumprod.to(x0.dtype)[t].reshape(-1, *[1] * (x0.ndim - 1))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise
    ### END SOLUTION


def predict_x0(x_t: torch.Tensor, t: torch.Tensor, eps: torch.Tensor,
               alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """Invert q_sample given the noise: x0 = (x_t − √(1 − ᾱ_t) · eps) / √ᾱ_t; `t` is (B,) as in q_sample."""
    ### BEGIN SOLUTION
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    _check_timesteps(t, x_t.shape[0], alphas_cumprod.shape[0])
    a = alphas_cumprod.to(x_t.dtype)[t].reshape(-1, *[1] * (x_t.ndim - 1))
    return (x_t - (1 - a).sqrt() * eps) / a.sqrt()
    ### END SOLUTION


# -- reverse process -----------------------------------------------------------

def posterior_mean_variance(x0: torch.Tensor, x_t: torch.Tensor, t: int,
                            betas: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and variance of q(x_{t−1} | x_t, x0) for an int step `t`, with ᾱ_{−1} = 1.

    μ̃ = √ᾱ_{t−1} β_t/(1−ᾱ_t) · x0 + √α_t (1−ᾱ_{t−1})/(1−ᾱ_t) · x_t, shaped like x_t;
    β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t) · β_t, a 0-dim tensor. Both in x_t's dtype.
    """
    ### BEGIN SOLUTION
    _check_same_shape("x0", x0, "x_t", x_t)
    _check_schedule("betas", betas)
    _check_step("t", t, betas.shape[0])
    betas = betas.to(x_t.dtype)
    abar = alphas_cumprod(betas)
    abar_t = abar[t]
    abar_prev = abar[t - 1] if t > 0 else abar.new_tensor(1.0)
    beta_t = betas[t]
    coef_x0 = abar_prev.sqrt() * beta_t / (1 - abar_t)
    coef_xt = (1 - beta_t).sqrt() * (1 - abar_prev) / (1 - abar_t)
    variance = (1 - abar_prev) / (1 - abar_t) * beta_t
    return coef_x0 * x0 + coef_xt * x_t, variance
    ### END SOLUTION


def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, betas: torch.Tensor,
              noise: torch.Tensor | None = None, clip_x0: bool = True) -> torch.Tensor:
    """One ancestral step x_t → x_{t−1} for an ε-predicting model ("fixed_small" variance).

    Predict x0 from eps (clamped to [−1, 1] when `clip_x0`), take the posterior mean and,
    when t > 0, add √β̃_t · noise (`noise` drawn with randn_like when None). x_t is (B, ...).
    """
    ### BEGIN SOLUTION
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    if noise is not None:
        _check_same_shape("noise", noise, "x_t", x_t)
    _check_schedule("betas", betas)
    _check_step("t", t, betas.shape[0])
    steps = torch.full((x_t.shape[0],), t, dtype=torch.long, device=betas.device)
    x0 = predict_x0(x_t, steps, eps, alphas_cumprod(betas.to(x_t.dtype)))
    if clip_x0:
        x0 = x0.clamp(-1, 1)
    mean, variance = posterior_mean_variance(x0, x_t, t, betas)
    if t == 0:
        return mean
    if noise is None:
        noise = torch.randn_like(x_t)
    return mean + variance.sqrt() * noise
    ### END SOLUTION


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alphas_cumprod: torch.Tensor,
              eta: float = 0.0, noise: torch.Tensor | None = None) -> torch.Tensor:
    """One DDIM step x_t → x_{t_prev} (Song et al. 2021), no clipping; t_prev = −1 means ᾱ = 1.

    x_prev = √ᾱ_prev · x0 + √(1 − ᾱ_prev − σ²) · eps + σ · noise, with x0 predicted from eps and
    σ = eta · √((1−ᾱ_prev)/(1−ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev); noise (randn_like when None) only when eta > 0.
    """
    ### BEGIN SOLUTION
    _check_batched("x_t", x_t)
    _check_same_shape("eps", eps, "x_t", x_t)
    if noise is not None:
        _check_same_shape("noise", noise, "x_t", x_t)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    T = alphas_cumprod.shape[0]
    _check_step("t", t, T)
    if isinstance(t_prev, bool) or not isinstance(t_prev, int) or not -1 <= t_prev < t:
        raise ValueError(f"t_prev must be an int in [-1, t-1] = [-1, {t - 1}], got {t_prev!r}")
    if not eta >= 0:
        raise ValueError(f"eta must be >= 0, got {eta!r}")
    abar = alphas_cumprod.to(x_t.dtype)
    a_t = abar[t]
    a_prev = abar[t_prev] if t_prev >= 0 else abar.new_tensor(1.0)
    x0 = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
    x_prev = a_prev.sqrt() * x0 + (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() * eps
    if eta > 0:
        if noise is None:
            noise = torch.randn_like(x_t)
        x_prev = x_prev + sigma * noise
    return x_prev
    ### END SOLUTION


# -- conditioning and training -------------------------------------------------

def sinusoidal_time_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """(B, dim) embedding [sin(t·f), cos(t·f)] with f_i = exp(−ln(10000) · i/(dim/2 − 1)), i < dim/2.

    `t` is a (B,) tensor of (possibly fractional) steps; the result has t's dtype when t is
    floating, float32 otherwise. `dim` must be even and >= 4, else ValueError.
    """
    ### BEGIN SOLUTION
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
        raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D tensor (B,), got shape {tuple(t.shape)}")
    dtype = t.dtype if t.is_floating_point() else torch.float32
    half = dim // 2
    i = torch.arange(half, dtype=dtype, device=t.device)
    freqs = torch.exp(-math.log(10000) * i / (half - 1))
    angles = t.to(dtype)[:, None] * freqs[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=-1)
    ### END SOLUTION


def ddpm_loss(model, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor,
              alphas_cumprod: torch.Tensor) -> torch.Tensor:
    """Simple DDPM objective: mean squared error between `noise` and model(q_sample(x0, t, noise), t).

    Returns a 0-dim tensor that back-propagates into the model's parameters.
    """
    ### BEGIN SOLUTION
    x_t = q_sample(x0, t, noise, alphas_cumprod)
    return F.mse_loss(model(x_t, t), noise)
    ### END SOLUTION


def classifier_free_guidance(eps_uncond: torch.Tensor, eps_cond: torch.Tensor, scale: float) -> torch.Tensor:
    """Guided noise eps_uncond + scale · (eps_cond − eps_uncond); scale 1 gives eps_cond.

    Both predictions must have the same shape, else ValueError.
    """
    ### BEGIN SOLUTION
    _check_same_shape("eps_cond", eps_cond, "eps_uncond", eps_uncond)
    return eps_uncond + scale * (eps_cond - eps_uncond)
    ### END SOLUTION


# -- flow matching -------------------------------------------------------------

def flow_matching_pair(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rectified-flow training pair: x_t = (1 − t) · x0 + t · x1 and target velocity v = x1 − x0.

    `x0` (noise) and `x1` (data) are (B, ...) of one shape; `t` is a (B,) floating tensor in
    [0, 1], broadcast over the non-batch dims.
    """
    ### BEGIN SOLUTION
    _check_batched("x0", x0)
    _check_same_shape("x1", x1, "x0", x0)
    if t.ndim != 1 or t.shape[0] != x0.shape[0] or not t.is_floating_point():
        raise ValueError(f"t must be a (B,) = ({x0.shape[0]},) floating tensor, "
                         f"got shape {tuple(t.shape)} and dtype {t.dtype}")
    if t.numel() and (float(t.min()) < 0 or float(t.max()) > 1):
        raise ValueError(f"t must lie in [0, 1], got values in [{float(t.min())}, {float(t.max())}]")
    s = t.to(x0.dtype).reshape(-1, *[1] * (x0.ndim - 1))
    return (1 - s) * x0 + s * x1, x1 - x0
    ### END SOLUTION


def euler_step(x: torch.Tensor, v: torch.Tensor, dt: float) -> torch.Tensor:
    """One explicit Euler step of dx/dt = v: x + dt · v. `v` must have x's shape, else ValueError."""
    ### BEGIN SOLUTION
    _check_same_shape("v", v, "x", x)
    return x + dt * v
    ### END SOLUTION
