"""Sampling from diffusion and flow models: full DDPM and DDIM samplers, label dropout and
classifier-free guidance, a class-conditional time embedding, and rectified-flow sampling.

Conventions shared by the samplers (ddpm_sample, ddim_sample, flow_sample):

- `model(x, t)` predicts ε (a velocity for flow_sample) and is called exactly once per step, in
  the order the steps run; for the diffusion samplers `t` is a (B,) int64 tensor on the model's
  device, every entry the current step. `model` is an nn.Module: the sample takes the device and
  dtype of its first parameter (float32 on the CPU if it has none), and the schedule, whatever
  its dtype and device, is cast to that dtype and device: the steps compute in the sample's dtype.
- Randomness comes only from `generator` (a CPU torch.Generator), drawn in this order:
  x_T = torch.randn(shape, generator=generator, dtype=dtype) first, then one
  torch.randn(shape, generator=generator, dtype=dtype) per stochastic step, in the order the
  steps run. Each is drawn on the CPU and then moved to the model's device (what diffusers'
  randn_tensor does with a CPU generator), so a seed gives the same noise on every device.
  Nothing else draws from the generator. `generator=None` makes the same calls with
  generator=None: the draws come from torch's global generator.
- Samplers run under torch.no_grad(): the model is never called with autograd on, and the
  result never requires grad.
- `shape` must be a non-empty tuple of positive ints (B, ...), a schedule a 1-D floating tensor
  (T,) and a step count an int >= 1, else ValueError naming the parameter.

Each topic is graded alone, so this module does not import diffusion.py: the steps it
needs are written here again.
"""

import math

import torch
from torch import nn


# -- input checks and shared helpers (used by the functions below) --------------------------

def _check_int(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")


def _check_shape(shape) -> tuple[int, ...]:
    if not isinstance(shape, (tuple, list, torch.Size)) or not shape or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 1 for n in shape):
        raise ValueError(f"shape must be a non-empty tuple of positive ints (B, ...), got {shape!r}")
    return tuple(shape)


def _check_schedule(name: str, schedule) -> None:
    if type(schedule) is not torch.Tensor or schedule.ndim != 1 or not schedule.is_floating_point() or not len(schedule):
        raise ValueError(f"{name} must be a non-empty 1-D floating tensor of length T, got {schedule!r}")


def _check_batch_vector(name: str, value, batch: int) -> None:
    if type(value) is not torch.Tensor or value.shape != (batch,):
        shape = tuple(value.shape) if type(value) is torch.Tensor else type(value).__name__
        raise ValueError(f"{name} must be a (B,) = ({batch},) tensor, got {shape}")


def _device_dtype(model) -> tuple[torch.device, torch.dtype]:
    """Device and dtype of the model's first parameter (CPU, float32 for a model without any)."""
    parameters = model.parameters() if isinstance(model, nn.Module) else iter(())
    first = next(parameters, None)
    return (first.device, first.dtype) if first is not None else (torch.device("cpu"), torch.float32)


def _randn(shape, generator, dtype, device) -> torch.Tensor:
    """One standard normal draw of `shape` from `generator` on the CPU, then moved to `device`."""
    return torch.randn(shape, generator=generator, dtype=dtype).to(device)


def _steps(t: int, batch: int, device) -> torch.Tensor:
    return torch.full((batch,), t, dtype=torch.long, device=device)


# -- DDPM ------------------------------------------------------------------------------------

def ddpm_sample(model, shape, betas: torch.Tensor, generator: torch.Generator | None = None,
                clip_x0: bool = True) -> torch.Tensor:
    """Ancestral DDPM sampling (Ho et al. 2020) over every step t = T−1, …, 0, T = len(betas).

    Start from x_T = randn(shape) (the first draw); at each t call eps = model(x_t, t), predict
    x0 = (x_t − √(1−ᾱ_t) eps) / √ᾱ_t (clamped to [−1, 1] when `clip_x0`), take the posterior mean
    μ̃ = √ᾱ_{t−1} β_t/(1−ᾱ_t) · x0 + √α_t (1−ᾱ_{t−1})/(1−ᾱ_t) · x_t with ᾱ_{−1} = 1, and for t > 0
    add √β̃_t · z, β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t) · β_t, z the next draw; none at t = 0 (the last step
    returns μ̃): T draws in all, x_T and then one per t > 0. ᾱ_t = Π_{i≤t} (1 − β_i).
    `betas` is a 1-D floating tensor (T,). Returns x_0 of `shape`.
    """
    ### BEGIN SOLUTION
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    betas = betas.to(device=device, dtype=dtype)
    alphas_cumprod = torch.cumprod(1 - betas, dim=0)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in reversed(range(len(betas))):
            eps = model(x, _steps(t, shape[0], device))
            abar_t = alphas_cumprod[t]
            abar_prev = alphas_cumprod[t - 1] if t > 0 else abar_t.new_tensor(1.0)
            x0 = (x - (1 - abar_t).sqrt() * eps) / abar_t.sqrt()
            if clip_x0:
                x0 = x0.clamp(-1, 1)
            coef_x0 = abar_prev.sqrt() * betas[t] / (1 - abar_t)
            coef_xt = (1 - betas[t]).sqrt() * (1 - abar_prev) / (1 - abar_t)
            x = coef_x0 * x0 + coef_xt * x
            if t > 0:
                variance = (1 - abar_prev) / (1 - abar_t) * betas[t]
                x = x + variance.sqrt() * _randn(shape, generator, dtype, device)
    return x
    ### END SOLUTION


# -- DDIM ------------------------------------------------------------------------------------

def ddim_timesteps(T: int, num_inference_steps: int) -> torch.Tensor:
    """diffusers' "leading" spacing: arange(0, n) · (T // n), descending, as a (n,) int64 CPU tensor.

    n = num_inference_steps. T and n must be ints with 1 <= n <= T, else ValueError naming the
    parameter. ddim_timesteps(1000, 4) is [750, 500, 250, 0].
    """
    ### BEGIN SOLUTION
    _check_int("T", T, 1)
    _check_int("num_inference_steps", num_inference_steps, 1)
    if num_inference_steps > T:
        raise ValueError(f"num_inference_steps must be <= T = {T}, got {num_inference_steps}")
    return (torch.arange(num_inference_steps, dtype=torch.long) * (T // num_inference_steps)).flip(0)
    ### END SOLUTION


def ddim_sample(model, shape, alphas_cumprod: torch.Tensor, num_inference_steps: int, eta: float = 0.0,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """DDIM sampling (Song et al. 2021) over ddim_timesteps(T, num_inference_steps), T = len(alphas_cumprod).

    Start from x_T = randn(shape); for each t with t_prev the next timestep (−1 after the last,
    where ᾱ_prev = 1) call eps = model(x_t, t), predict x0 = (x_t − √(1−ᾱ_t) eps) / √ᾱ_t (no
    clipping) and step to x_prev = √ᾱ_prev · x0 + √(1 − ᾱ_prev − σ²) · eps + σ · z with
    σ = eta · √((1−ᾱ_prev)/(1−ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev).

    Draws: with eta = 0 the sampler is deterministic and x_T is the only draw. With eta > 0
    EVERY step draws its z, the last step too, where ᾱ_prev = 1 makes σ = 0 (z is drawn and
    multiplied by 0), as diffusers' DDIMScheduler.step does whenever eta > 0: 1 + n draws in all
    for n = num_inference_steps. `alphas_cumprod` is a 1-D floating tensor (T,) and eta >= 0,
    else ValueError naming the parameter. Returns x_0 of `shape`.
    """
    ### BEGIN SOLUTION
    shape = _check_shape(shape)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    if not eta >= 0:
        raise ValueError(f"eta must be >= 0, got {eta!r}")
    timesteps = ddim_timesteps(len(alphas_cumprod), num_inference_steps).tolist()
    device, dtype = _device_dtype(model)
    abar = alphas_cumprod.to(device=device, dtype=dtype)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t, t_prev in zip(timesteps, timesteps[1:] + [-1]):
            eps = model(x, _steps(t, shape[0], device))
            a_t = abar[t]
            a_prev = abar[t_prev] if t_prev >= 0 else a_t.new_tensor(1.0)
            x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
            sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
            x = a_prev.sqrt() * x0 + (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() * eps
            if eta > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x
    ### END SOLUTION


# -- classifier-free guidance ----------------------------------------------------------------

def drop_labels(labels: torch.Tensor, p: float, null_label: int,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """Label dropout for classifier-free-guidance training (Ho & Salimans 2022).

    Each label becomes `null_label` where torch.rand(labels.shape, generator=generator) < p (one
    draw, on the CPU, in the default float32): p = 0 keeps every label, p = 1 drops them all.
    Returns a new tensor of the labels' shape, dtype and device. `labels` must be an integer
    tensor of any shape, p a number in [0, 1] and null_label an int, else ValueError naming the
    parameter.
    """
    ### BEGIN SOLUTION
    if type(labels) is not torch.Tensor or labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool:
        raise ValueError(f"labels must be an integer tensor, got {labels!r}")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must be a number in [0, 1], got {p!r}")
    if isinstance(null_label, bool) or not isinstance(null_label, int):
        raise ValueError(f"null_label must be an int, got {null_label!r}")
    drop = torch.rand(labels.shape, generator=generator) < p
    return torch.where(drop.to(labels.device), torch.full_like(labels, null_label), labels)
    ### END SOLUTION


def guided_eps(model, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor, null_label: int,
               scale: float) -> torch.Tensor:
    """Classifier-free guidance: eps_u + scale · (eps_c − eps_u) for x of shape (B, ...).

    ONE batched forward model([x, x], [t, t], [labels, null]) (concatenated along the batch,
    the conditional half first, null a (B,) tensor filled with null_label); its first B rows are
    eps_c, the last B rows eps_u. scale = 0 gives eps_u, scale = 1 gives eps_c. `t` and `labels`
    must be (B,) tensors, else ValueError naming the parameter, raised before the model is called.
    """
    ### BEGIN SOLUTION
    batch = x.shape[0]
    _check_batch_vector("t", t, batch)
    _check_batch_vector("labels", labels, batch)
    null = torch.full_like(labels, null_label)
    eps = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
    eps_cond, eps_uncond = eps[:batch], eps[batch:]
    return eps_uncond + scale * (eps_cond - eps_uncond)
    ### END SOLUTION


class ClassConditionalEmbedding(nn.Module):
    """Conditioning vector of a class-conditional ε-model: an MLP of the time embedding plus a class embedding.

    `__init__(num_classes, dim)`: `time_mlp` = nn.Sequential(nn.Linear(dim, 4·dim), nn.SiLU(),
    nn.Linear(4·dim, dim)) and `label_embedding` = nn.Embedding(num_classes + 1, dim), whose row
    `num_classes` is the null label ("no class", for classifier-free guidance). dim must be an
    even int >= 4 and num_classes an int >= 1, else ValueError naming the parameter.

    `forward(t, labels) -> (B, dim)`: time_mlp(emb(t)) + label_embedding(labels), where emb is
    the sinusoidal embedding of the diffusion topic, [sin(t·f), cos(t·f)] with
    f_i = exp(−ln(10000) · i/(dim/2 − 1)), i < dim/2, computed in the dtype and on the device of
    the module's parameters and fed to time_mlp. `t` is a (B,) tensor of (possibly fractional)
    steps, `labels` a (B,) integer tensor with values in [0, num_classes], else ValueError naming
    the parameter.
    """

    def __init__(self, num_classes: int, dim: int):
        super().__init__()
        ### BEGIN SOLUTION
        _check_int("num_classes", num_classes, 1)
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
            raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
        self.num_classes, self.dim = num_classes, dim
        self.time_mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))
        self.label_embedding = nn.Embedding(num_classes + 1, dim)
        ### END SOLUTION

    def forward(self, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        if type(t) is not torch.Tensor or t.ndim != 1:
            raise ValueError(f"t must be a (B,) tensor, got {t!r}")
        _check_batch_vector("labels", labels, len(t))
        if labels.is_floating_point() or labels.dtype == torch.bool or (
                len(labels) and not 0 <= int(labels.min()) <= int(labels.max()) <= self.num_classes):
            raise ValueError(f"labels must be integers in [0, num_classes] = [0, {self.num_classes}], got {labels}")
        weight = self.time_mlp[0].weight
        half = self.dim // 2
        i = torch.arange(half, dtype=weight.dtype, device=weight.device)
        freqs = torch.exp(-math.log(10000) * i / (half - 1))
        angles = t.to(device=weight.device, dtype=weight.dtype)[:, None] * freqs[None, :]
        emb = torch.cat([angles.sin(), angles.cos()], dim=-1)
        return self.time_mlp(emb) + self.label_embedding(labels)
        ### END SOLUTION


# -- flow matching ---------------------------------------------------------------------------

def flow_sample(model, shape, steps: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Rectified-flow sampling: Euler steps of dx/dt = model(x, t) from noise at t = 0 to data at t = 1.

    Start from x_0 = randn(shape) (the only draw); for k = 0, …, steps − 1 set t_k = k/steps, a (B,)
    tensor of the sample's dtype and device, and step x ← x + (1/steps) · model(x, t_k): `steps` calls,
    the last at t = (steps − 1)/steps. steps must be an int >= 1, else ValueError naming it. Returns x
    at t = 1, of `shape`.
    """
    ### BEGIN SOLUTION
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for k in range(steps):
            t = torch.full((shape[0],), k / steps, dtype=dtype, device=device)
            x = x + model(x, t) / steps
    return x
    ### END SOLUTION
