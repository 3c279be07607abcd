"""pack_bits puts the first bit of each byte in its least significant place (bit order reversed)."""


def pack_bits(bits):
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be a 2-D (N, M) array, got shape {bits.shape}")
    n, m = bits.shape
    n_bytes = -(-m // 8)
    padded = np.zeros((n, 8 * n_bytes), dtype=np.int64)
    padded[:, :m] = bits.astype(bool)
    return (padded.reshape(n, n_bytes, 8) * (1 << np.arange(8))).sum(axis=-1).astype(np.uint8)
