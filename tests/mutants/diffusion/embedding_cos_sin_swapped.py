"""sinusoidal_time_embedding puts the cosines first ([cos, sin], diffusers' flip_sin_to_cos=True layout)."""


def sinusoidal_time_embedding(t, dim):
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
        raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D tensor (B,), got shape {tuple(t.shape)}")
    dtype = t.dtype if t.is_floating_point() else torch.float32
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=dtype, device=t.device) / (half - 1))
    angles = t.to(dtype)[:, None] * freqs[None, :]
    return torch.cat([angles.cos(), angles.sin()], dim=-1)
