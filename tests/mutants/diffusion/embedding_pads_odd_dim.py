"""sinusoidal_time_embedding zero-pads an odd dim (as diffusers does) instead of raising ValueError."""


def sinusoidal_time_embedding(t, dim):
    dtype = t.dtype if t.is_floating_point() else torch.float32
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=dtype, device=t.device) / (half - 1))
    angles = t.to(dtype)[:, None] * freqs[None, :]
    emb = torch.cat([angles.sin(), angles.cos()], dim=-1)
    return F.pad(emb, (0, dim % 2))
