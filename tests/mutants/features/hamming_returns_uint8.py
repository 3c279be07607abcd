"""hamming_distance keeps the bytes' dtype, returning uint8 counts (which overflow past 255 bits)."""


def hamming_distance(a, b):
    a, b = _check_packed("a", a), _check_packed("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same number of bytes per row, got {a.shape[1]} and {b.shape[1]}")
    bits = np.unpackbits(a[:, None, :] ^ b[None, :, :], axis=-1)
    return bits.sum(axis=-1, dtype=np.uint8)
