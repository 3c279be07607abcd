"""ddpm_sample and ddim_sample compute ᾱ and every step coefficient in float64, then round them once to the
sample's dtype (instead of computing the schedule in that dtype); ClassConditionalEmbedding computes its sinusoid
in float64 and rounds it once (the farthest a correct float32 sinusoid lies from diffusers' float32 one)."""


def _coefficients_ddpm(betas, t):
    """(√ᾱ_t, √(1−ᾱ_t), posterior coefficients of x0 and x_t, √β̃_t) at step t, in float64."""
    betas = betas.double()
    abar = torch.cumprod(1 - betas, dim=0)
    abar_prev = abar[t - 1] if t > 0 else abar.new_tensor(1.0)
    return (abar[t].sqrt(), (1 - abar[t]).sqrt(), abar_prev.sqrt() * betas[t] / (1 - abar[t]),
            (1 - betas[t]).sqrt() * (1 - abar_prev) / (1 - abar[t]), ((1 - abar_prev) / (1 - abar[t]) * betas[t]).sqrt())


def ddpm_sample(model, shape, betas, generator=None, clip_x0=True):
    shape = _check_shape(shape)
    _check_schedule("betas", betas)
    device, dtype = _device_dtype(model)
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t in reversed(range(len(betas))):
            eps = model(x, _steps(t, shape[0], device))
            root_abar, root_one_minus, coef_x0, coef_xt, sigma = (
                c.to(device=device, dtype=dtype) for c in _coefficients_ddpm(betas.cpu(), t))
            x0 = (x - root_one_minus * eps) / root_abar
            if clip_x0:
                x0 = x0.clamp(-1, 1)
            x = coef_x0 * x0 + coef_xt * x
            if t > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x


def ddim_sample(model, shape, alphas_cumprod, num_inference_steps, eta=0.0, generator=None):
    shape = _check_shape(shape)
    _check_schedule("alphas_cumprod", alphas_cumprod)
    if not eta >= 0:
        raise ValueError(f"eta must be >= 0, got {eta!r}")
    timesteps = ddim_timesteps(len(alphas_cumprod), num_inference_steps).tolist()
    device, dtype = _device_dtype(model)
    abar = alphas_cumprod.detach().cpu().double()
    with torch.no_grad():
        x = _randn(shape, generator, dtype, device)
        for t, t_prev in zip(timesteps, timesteps[1:] + [-1]):
            eps = model(x, _steps(t, shape[0], device))
            a_t, a_prev = abar[t], abar[t_prev] if t_prev >= 0 else abar.new_tensor(1.0)
            sigma = eta * ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()
            # x_prev = c_x · x_t + c_eps · eps: the x0 prediction folded into two coefficients
            c_x = (a_prev / a_t).sqrt()
            c_eps = (1 - a_prev - sigma ** 2).clamp(min=0).sqrt() - (a_prev * (1 - a_t) / a_t).sqrt()
            c_x, c_eps, sigma = (c.to(device=device, dtype=dtype) for c in (c_x, c_eps, sigma))
            x = c_x * x + c_eps * eps
            if eta > 0:
                x = x + sigma * _randn(shape, generator, dtype, device)
    return x


class ClassConditionalEmbedding(nn.Module):
    def __init__(self, num_classes, dim):
        super().__init__()
        _check_int("num_classes", num_classes, 1)
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
            raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
        self.num_classes, self.dim = num_classes, dim
        self.time_mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))
        self.label_embedding = nn.Embedding(num_classes + 1, dim)

    def forward(self, t, labels):
        if type(t) is not torch.Tensor or t.ndim != 1:
            raise ValueError(f"t must be a (B,) tensor, got {t!r}")
        _check_batch_vector("labels", labels, len(t))
        if labels.is_floating_point() or int(labels.min()) < 0 or int(labels.max()) > self.num_classes:
            raise ValueError(f"labels must be integers in [0, {self.num_classes}], got {labels}")
        weight = self.time_mlp[0].weight
        half = self.dim // 2
        freqs = torch.exp(-math.log(10000) * torch.linspace(0, 1, half, dtype=torch.float64))
        angles = t.detach().cpu().double()[:, None] * freqs[None, :]
        emb = torch.cat([angles.sin(), angles.cos()], dim=-1).to(device=weight.device, dtype=weight.dtype)
        return self.time_mlp(emb) + self.label_embedding(labels)
