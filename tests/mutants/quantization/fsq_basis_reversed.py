"""fsq_quantize makes the last level vary fastest (index basis built from the end)."""


def fsq_quantize(z, levels):
    _check_levels(levels)
    _check_vectors("z", z)
    if z.shape[-1] != len(levels):
        raise ValueError(f"z must have len(levels) = {len(levels)} values in its last dim, got shape {tuple(z.shape)}")
    level_counts = torch.tensor(levels, dtype=z.dtype, device=z.device)
    half = (level_counts - 1) * (1 + 1e-3) / 2
    offset = torch.where(level_counts % 2 == 0, 0.5, 0.0).to(z.dtype)
    bounded = torch.tanh(z + torch.atanh(offset / half)) * half - offset
    rounded = bounded.round()
    half_width = torch.tensor([level // 2 for level in levels], device=z.device)
    basis = torch.tensor([math.prod(levels[i + 1:]) for i in range(len(levels))], device=z.device)
    indices = ((rounded.long() + half_width) * basis).sum(dim=-1)
    return straight_through(bounded, rounded) / half_width.to(z.dtype), indices
