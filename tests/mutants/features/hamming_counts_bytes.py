"""hamming_distance counts the bytes that differ instead of the bits."""


def hamming_distance(a, b):
    a, b = _check_packed("a", a), _check_packed("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same number of bytes per row, got {a.shape[1]} and {b.shape[1]}")
    return (a[:, None, :] != b[None, :, :]).sum(axis=-1).astype(np.int64)
