"""diffusers-backed references for the sampling graders, computed in float64 on the CPU.

The diffusion samplers are diffusers' own step loops: DDPMScheduler ("fixed_small",
ε-prediction) and DDIMScheduler (clip_sample=False, set_alpha_to_one=True, steps_offset=0).
diffusers keeps a scheduler's schedule in float32, which alone would hold a float64
reference to ~1e-5, so the float64 references replace those tensors by float64 ones built
from the schedule the student was given; the library's step logic then runs in float64.
The noise is the student's: the same seed, the same draws in the same order and in the
sample's dtype (x_T first, then one per stochastic step), cast to float64.

The `*_as_shipped` variants run the library exactly as it ships, in float32 (its float32
schedule, a float32 model, the generator itself, diffusers' randn_tensor): graders check a
float32 sample against both, which also proves the float64 rewiring above is diffusers'.

Models are float64 (float32 for `*_as_shipped`) CPU twins of the net the student's sampler
got, with its weights; inputs are CPU tensors.
"""

import math

import torch
from diffusers import DDIMScheduler, DDPMScheduler, FlowMatchEulerDiscreteScheduler
from diffusers.models.embeddings import LabelEmbedding, TimestepEmbedding, Timesteps
from diffusers.utils.torch_utils import randn_tensor

F32, F64 = torch.float32, torch.float64


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _draw(shape, gen: torch.Generator, dtype) -> torch.Tensor:
    """The next draw a sampler makes, torch.randn(shape, generator=gen, dtype=dtype), as float64."""
    return torch.randn(shape, generator=gen, dtype=dtype).to(F64)


def _steps(t, batch: int) -> torch.Tensor:
    return torch.full((batch,), int(t), dtype=torch.long)


# -- DDPM ------------------------------------------------------------------------------------

def betas(schedule: str, T: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    """diffusers' float32 betas: "linear" from beta_start to beta_end, or "cosine" ("squaredcos_cap_v2")."""
    if schedule == "cosine":
        return DDPMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2").betas
    return DDPMScheduler(num_train_timesteps=T, beta_start=beta_start, beta_end=beta_end).betas


def _ddpm(betas: torch.Tensor, clip_x0: bool) -> DDPMScheduler:
    """DDPMScheduler(trained_betas=betas, clip_sample=clip_x0, variance_type="fixed_small") with float64 ᾱ."""
    sched = DDPMScheduler(num_train_timesteps=len(betas), trained_betas=betas.cpu().tolist(), clip_sample=clip_x0,
                          variance_type="fixed_small")
    sched.betas = betas.cpu().to(F64)
    sched.alphas = 1 - sched.betas
    sched.alphas_cumprod = torch.cumprod(sched.alphas, dim=0)
    sched.one = torch.tensor(1.0, dtype=F64)
    return sched


def _ddpm_step(sched: DDPMScheduler, eps, t: int, x, noise):
    """DDPMScheduler.step(eps, t, x) with `noise` as its variance noise (None at t = 0, where it adds none).

    DDPMScheduler.step takes no noise argument (unlike DDIMScheduler.step): it draws its own,
    here from a generator seeded 0, which is swapped for `noise` after the step.
    """
    out = sched.step(eps, t, x, generator=generator(0)).prev_sample
    if t == 0:
        return out
    own = torch.randn(x.shape, generator=generator(0), dtype=x.dtype)
    return out + sched._get_variance(t) ** 0.5 * (noise - own)


@torch.no_grad()
def ddpm_sample(model, shape, betas, seed: int, clip_x0: bool, dtype):
    """The DDPM step loop over every t = T-1 … 0 in float64; returns x_0."""
    sched = _ddpm(betas, clip_x0)
    gen = generator(seed)
    x = _draw(shape, gen, dtype)
    for t in sched.timesteps.tolist():
        eps = model(x, _steps(t, shape[0]))
        x = _ddpm_step(sched, eps, t, x, _draw(shape, gen, dtype) if t > 0 else None)
    return x


@torch.no_grad()
def ddpm_sample_as_shipped(model, shape, betas, seed: int, clip_x0: bool):
    """DDPMPipeline's loop as diffusers ships it: float32 scheduler and model, the generator passed to step."""
    sched = DDPMScheduler(num_train_timesteps=len(betas), trained_betas=betas.cpu().tolist(), clip_sample=clip_x0,
                          variance_type="fixed_small")
    gen = generator(seed)
    x = randn_tensor(tuple(shape), generator=gen, dtype=F32)
    for t in sched.timesteps:  # T-1 … 0 (set_timesteps(T) gives the same, with a slower previous_timestep)
        x = sched.step(model(x, _steps(t, shape[0])), t, x, generator=gen).prev_sample
    return x


# -- DDIM ------------------------------------------------------------------------------------

def ddim_timesteps(T: int, num_inference_steps: int) -> torch.Tensor:
    """DDIMScheduler(num_train_timesteps=T, steps_offset=0).set_timesteps(n).timesteps ("leading")."""
    sched = DDIMScheduler(num_train_timesteps=T, steps_offset=0)
    sched.set_timesteps(num_inference_steps)
    return sched.timesteps


def _ddim(alphas_cumprod: torch.Tensor, num_inference_steps: int) -> DDIMScheduler:
    """DDIMScheduler(clip_sample=False, set_alpha_to_one=True, steps_offset=0) whose ᾱ is the given one, in float64."""
    sched = DDIMScheduler(num_train_timesteps=len(alphas_cumprod), clip_sample=False, set_alpha_to_one=True,
                          steps_offset=0)
    sched.alphas_cumprod = alphas_cumprod.cpu().to(F64)
    sched.final_alpha_cumprod = torch.tensor(1.0, dtype=F64)
    sched.set_timesteps(num_inference_steps)
    return sched


@torch.no_grad()
def ddim_sample(model, shape, alphas_cumprod, num_inference_steps: int, eta: float, seed: int, dtype):
    """The DDIM step loop in float64; returns x_0."""
    sched = _ddim(alphas_cumprod, num_inference_steps)
    gen = generator(seed)
    x = _draw(shape, gen, dtype)
    for t in sched.timesteps.tolist():
        eps = model(x, _steps(t, shape[0]))
        noise = _draw(shape, gen, dtype) if eta > 0 else None
        x = sched.step(eps, t, x, eta=eta, variance_noise=noise).prev_sample
    return x


@torch.no_grad()
def ddim_sample_as_shipped(model, shape, betas, num_inference_steps: int, eta: float, seed: int):
    """DDIMPipeline's loop as diffusers ships it (float32, the generator passed to step)."""
    sched = DDIMScheduler(num_train_timesteps=len(betas), trained_betas=betas.cpu().tolist(), clip_sample=False,
                          set_alpha_to_one=True, steps_offset=0)
    sched.set_timesteps(num_inference_steps)
    gen = generator(seed)
    x = randn_tensor(tuple(shape), generator=gen, dtype=F32)
    for t in sched.timesteps:
        x = sched.step(model(x, _steps(t, shape[0])), t, x, eta=eta, generator=gen).prev_sample
    return x


def alphas_cumprod_as_shipped(betas: torch.Tensor) -> torch.Tensor:
    """DDIMScheduler's own float32 ᾱ of `betas` (passed as trained_betas)."""
    return DDIMScheduler(num_train_timesteps=len(betas), trained_betas=betas.cpu().tolist()).alphas_cumprod


# -- classifier-free guidance ----------------------------------------------------------------

def drop_labels(labels, p: float, null_label: int, seed: int):
    """The contract's rule: null_label where torch.rand(labels.shape, generator=seeded) < p."""
    drop = torch.rand(labels.shape, generator=generator(seed)) < p
    return torch.where(drop, torch.full_like(labels, null_label), labels)


def drop_labels_token_drop(labels, p: float, num_classes: int, seed: int):
    """diffusers' LabelEmbedding.token_drop (null label = num_classes), with torch's global CPU generator
    seeded `seed` (it draws torch.rand(B) from it); the caller's global RNG state is restored."""
    embedding = LabelEmbedding(num_classes, 1, p)
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        return embedding.token_drop(labels.cpu())


@torch.no_grad()
def guided_eps(model, x, t, labels, null_label: int, scale: float):
    """DiTPipeline's guidance: one forward on [x, x] with [labels, null], split in halves, ε_u + s·(ε_c − ε_u)."""
    null = torch.full_like(labels, null_label)
    eps = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
    cond, uncond = eps.split(len(x))
    return uncond + scale * (cond - uncond)


# -- ClassConditionalEmbedding ---------------------------------------------------------------

def time_embedding(t, dim: int):
    """float64 get_timestep_embedding(t, dim, flip_sin_to_cos=False, downscale_freq_shift=1): its formula
    without the float32 cast, [sin(t f), cos(t f)], f_i = exp(−ln 10000 · i/(dim/2 − 1))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=F64) / (half - 1))
    angles = t.cpu().to(F64)[:, None] * freqs[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=-1)


def _diffusers_embedding(state: dict, num_classes: int, dim: int):
    """diffusers' TimestepEmbedding(dim, 4·dim, "silu", out_dim=dim) and LabelEmbedding (its table has the
    extra null row when dropout_prob > 0) holding the student's weights, float64, in eval mode."""
    time = TimestepEmbedding(dim, 4 * dim, act_fn="silu", out_dim=dim)
    time.load_state_dict({"linear_1.weight": state["time_mlp.0.weight"], "linear_1.bias": state["time_mlp.0.bias"],
                          "linear_2.weight": state["time_mlp.2.weight"], "linear_2.bias": state["time_mlp.2.bias"]})
    label = LabelEmbedding(num_classes, dim, dropout_prob=0.1)
    label.embedding_table.load_state_dict({"weight": state["label_embedding.weight"]})
    return time.to(F64).eval(), label.to(F64).eval()


def class_conditional_embedding(state: dict, num_classes: int, dim: int, sinusoid, labels):
    """TimestepEmbedding(sinusoid) + LabelEmbedding(labels) in float64 with the student's weights, `sinusoid`
    the (B, dim) time embedding the student's module fed its time_mlp (cast to float64)."""
    time, label = _diffusers_embedding({k: v.cpu() for k, v in state.items()}, num_classes, dim)
    with torch.no_grad():
        return time(sinusoid.cpu().to(F64)) + label(labels.cpu())


def time_embedding_as_shipped(t, dim: int):
    """diffusers' float32 Timesteps(dim, flip_sin_to_cos=False, downscale_freq_shift=1) of `t`."""
    with torch.no_grad():
        return Timesteps(dim, flip_sin_to_cos=False, downscale_freq_shift=1)(t.cpu())


# -- flow matching ---------------------------------------------------------------------------

@torch.no_grad()
def flow_sample(model, shape, steps: int, seed: int, dtype):
    """Euler integration of dx/dt = model(x, t) over t_k = k/steps in float64; returns x_1.

    diffusers' FlowMatchEulerDiscreteScheduler.step casts the sample to float32, so the float64
    reference is this loop; `flow_sample_as_shipped` is the scheduler's."""
    gen = generator(seed)
    x = _draw(shape, gen, dtype)
    for k in range(steps):
        x = x + model(x, torch.full((shape[0],), k / steps, dtype=F64)) / steps
    return x


@torch.no_grad()
def flow_sample_as_shipped(model, shape, steps: int, seed: int):
    """FlowMatchEulerDiscreteScheduler(invert_sigmas=True) with sigmas t_k = k/steps (given as 1 − t_k, which it
    inverts, then appends t = 1): step is x + (t_{k+1} − t_k) · v, float32 throughout."""
    sched = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=1.0, invert_sigmas=True)
    sched.set_timesteps(sigmas=[1 - k / steps for k in range(steps)])
    x = randn_tensor(tuple(shape), generator=generator(seed), dtype=F32)
    for timestep, sigma in zip(sched.timesteps, sched.sigmas):
        v = model(x, torch.full((shape[0],), float(sigma), dtype=F32))
        x = sched.step(v, timestep, x).prev_sample
    return x
