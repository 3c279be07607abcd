"""pack_bits calls np.packbits, which the docstring rules out."""


def pack_bits(bits):
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be a 2-D (N, M) array, got shape {bits.shape}")
    return np.packbits(bits.astype(bool), axis=1)
