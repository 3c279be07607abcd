"""lfq_quantize uses z >= 0 for the +1 side, so z = 0 becomes +1 (bit 1) instead of -1."""


def lfq_quantize(z):
    _check_vectors("z", z)
    bits = z.shape[-1]
    if bits > MAX_LFQ_BITS:
        raise ValueError(f"z must have at most {MAX_LFQ_BITS} dimensions (an int64 index), got {bits}")
    positive = z >= 0
    signs = torch.where(positive, 1.0, -1.0).to(z.dtype)
    weights = 2 ** torch.arange(bits - 1, -1, -1, device=z.device)
    return straight_through(z, signs), (positive.long() * weights).sum(dim=-1)
