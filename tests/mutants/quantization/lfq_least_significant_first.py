"""lfq_quantize makes the first dimension the least significant bit (weights 1, 2, 4, ...)."""


def lfq_quantize(z):
    _check_vectors("z", z)
    bits = z.shape[-1]
    if bits > MAX_LFQ_BITS:
        raise ValueError(f"z must have at most {MAX_LFQ_BITS} dimensions (an int64 index), got {bits}")
    positive = z > 0
    signs = torch.where(positive, 1.0, -1.0).to(z.dtype)
    weights = 2 ** torch.arange(bits, device=z.device)
    return straight_through(z, signs), (positive.long() * weights).sum(dim=-1)
