"""pack_bits pads an incomplete row with zero bits in front, so the last byte holds its bits at the low end."""


def pack_bits(bits):
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be a 2-D (N, M) array, got shape {bits.shape}")
    n, m = bits.shape
    n_bytes = -(-m // 8)
    padded = np.zeros((n, 8 * n_bytes), dtype=np.int64)
    padded[:, 8 * n_bytes - m:] = bits.astype(bool)
    return (padded.reshape(n, n_bytes, 8) * (1 << np.arange(7, -1, -1))).sum(axis=-1).astype(np.uint8)
