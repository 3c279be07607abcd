"""Straight-through written as codes + (z − z.detach()), whose forward value is exactly the codes; FSQ's constants from Python floats (float64, then cast); LFQ codes as 2·bit − 1; usage statistics in float32 with xlogy."""


def straight_through(z, codes):
    _check_same_shape("codes", codes, "z", z)
    return codes.detach() + (z - z.detach())


def lfq_quantize(z):
    _check_vectors("z", z)
    bits = z.shape[-1]
    if bits > MAX_LFQ_BITS:
        raise ValueError(f"z must have at most {MAX_LFQ_BITS} dimensions, got {bits}")
    bit = (z > 0).long()
    weights = torch.tensor([1 << (bits - 1 - i) for i in range(bits)], device=z.device)
    return straight_through(z, (2 * bit - 1).to(z.dtype)), (bit * weights).sum(dim=-1)


def fsq_quantize(z, levels):
    _check_levels(levels)
    _check_vectors("z", z)
    if z.shape[-1] != len(levels):
        raise ValueError(f"z must have {len(levels)} values in its last dim, got shape {tuple(z.shape)}")
    halves = [(L - 1) * (1 + 1e-3) / 2 for L in levels]
    offsets = [0.5 if L % 2 == 0 else 0.0 for L in levels]
    half = torch.tensor(halves, dtype=z.dtype, device=z.device)
    offset = torch.tensor(offsets, dtype=z.dtype, device=z.device)
    shift = torch.tensor([math.atanh(o / h) for o, h in zip(offsets, halves)], dtype=z.dtype, device=z.device)
    bounded = torch.tanh(z + shift) * half - offset
    rounded = torch.round(bounded)
    codes = straight_through(bounded, rounded) / torch.tensor([L // 2 for L in levels], dtype=z.dtype, device=z.device)
    digits = rounded.long() + torch.tensor([L // 2 for L in levels], device=z.device)
    index = torch.zeros(z.shape[:-1], dtype=torch.long, device=z.device)
    for i in reversed(range(len(levels))):  # Horner: d_0 + L_0 (d_1 + L_1 (d_2 + ...))
        index = index * levels[i] + digits[..., i]
    return codes, index


def codebook_usage(indices, codebook_size):
    _check_int("codebook_size", codebook_size, 1)
    if indices.is_floating_point() or indices.is_complex() or indices.dtype == torch.bool or indices.numel() == 0:
        raise ValueError(f"indices must be a non-empty integer tensor, got dtype {indices.dtype}")
    if int(indices.min()) < 0 or int(indices.max()) >= codebook_size:
        raise ValueError(f"indices must lie in [0, codebook_size) = [0, {codebook_size})")
    counts = torch.bincount(indices.flatten().long(), minlength=codebook_size).float()
    p = counts / counts.sum()
    entropy = -torch.special.xlogy(p, p).sum()
    return float((counts > 0).float().mean()), float(entropy.exp())
