"""sinusoidal_time_embedding divides the exponent by dim/2 instead of dim/2 - 1 (diffusers' downscale_freq_shift=0)."""


def sinusoidal_time_embedding(t, dim):
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
        raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D tensor (B,), got shape {tuple(t.shape)}")
    dtype = t.dtype if t.is_floating_point() else torch.float32
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=dtype, device=t.device) / half)
    angles = t.to(dtype)[:, None] * freqs[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=-1)
