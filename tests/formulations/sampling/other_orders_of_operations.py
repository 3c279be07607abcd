"""Other correct orders of operations: ddpm_sample through the DDPM paper's sampling line
1/√α_t (x_t − β_t/√(1−ᾱ_t) ε) + σ_t z when clip_x0=False, with β_t and ᾱ_{t−1} recovered from ᾱ as diffusers
does (β_t = 1 − ᾱ_t/ᾱ_{t−1}); frequencies through a power 10000^(−i/(dim/2 − 1)); guidance as
(1 − s)·ε_u + s·ε_c from torch.chunk; label dropout through masked_fill; flow times from arange(steps)/steps
with Euler steps x + dt·v."""


def ddpm_sample(model, shape, betas, generator=None, clip_x0=True):
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    abar = torch.cumprod(1 - betas.to(device=device, dtype=dtype), dim=0)
    one = abar.new_tensor(1.0)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in range(len(betas) - 1, -1, -1):
            eps = model(x, torch.full((shape[0],), t, dtype=torch.long, device=device))
            abar_prev = abar[t - 1] if t > 0 else one
            alpha_t = abar[t] / abar_prev
            beta_t = 1 - alpha_t
            if clip_x0:
                x0 = ((x - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()).clamp(-1, 1)
                x = (abar_prev.sqrt() * beta_t * x0 + alpha_t.sqrt() * (1 - abar_prev) * x) / (1 - abar[t])
            else:
                x = (x - beta_t / (1 - abar[t]).sqrt() * eps) / alpha_t.sqrt()
            if t > 0:
                sigma = ((1 - abar_prev) / (1 - abar[t]) * beta_t).sqrt()
                x = x + sigma * torch.randn(shape, generator=generator, dtype=dtype).to(device)
    return x


class ClassConditionalEmbedding(nn.Module):
    def __init__(self, num_classes, dim):
        super().__init__()
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
            raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
        self.num_classes, self.dim = num_classes, dim
        self.time_mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))
        self.label_embedding = nn.Embedding(num_classes + 1, dim)

    def forward(self, t, labels):
        if type(t) is not torch.Tensor or t.ndim != 1 or type(labels) is not torch.Tensor or labels.shape != t.shape:
            raise ValueError("t and labels must be (B,) tensors")
        if labels.is_floating_point() or int(labels.min()) < 0 or int(labels.max()) > self.num_classes:
            raise ValueError(f"labels must be integers in [0, {self.num_classes}]")
        weight = self.time_mlp[0].weight
        half = self.dim // 2
        exponents = -torch.arange(half, dtype=weight.dtype, device=weight.device) / (half - 1)
        angles = torch.outer(t.to(weight), torch.tensor(10000.0, dtype=weight.dtype, device=weight.device) ** exponents)
        return self.time_mlp(torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)) + self.label_embedding(labels)


def guided_eps(model, x, t, labels, null_label, scale):
    if type(t) is not torch.Tensor or t.shape != (len(x),):
        raise ValueError(f"t must be a (B,) tensor, got {t!r}")
    if type(labels) is not torch.Tensor or labels.shape != (len(x),):
        raise ValueError(f"labels must be a (B,) tensor, got {labels!r}")
    eps_cond, eps_uncond = model(x.repeat(2, *[1] * (x.ndim - 1)), t.repeat(2),
                                 torch.cat([labels, labels.new_full(labels.shape, null_label)])).chunk(2)
    return (1 - scale) * eps_uncond + scale * eps_cond


def drop_labels(labels, p, null_label, generator=None):
    if type(labels) is not torch.Tensor or labels.is_floating_point() or labels.dtype == torch.bool:
        raise ValueError("labels must be an integer tensor")
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    if isinstance(null_label, bool) or not isinstance(null_label, int):
        raise ValueError("null_label must be an int")
    return labels.masked_fill((torch.rand(labels.shape, generator=generator) < p).to(labels.device), null_label)


def flow_sample(model, shape, steps, generator=None):
    shape = _check_shape(shape)
    _check_int("steps", steps, 1)
    device, dtype = _device_dtype(model)
    times = torch.arange(steps, dtype=dtype, device=device) / steps
    dt = 1.0 / steps
    with torch.no_grad():
        x = torch.randn(shape, generator=generator, dtype=dtype).to(device)
        for time in times:
            x = x + dt * model(x, time.expand(shape[0]))
    return x
