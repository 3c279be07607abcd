"""erode uses `size` as the element's radius, so its square is (2·size + 1) wide instead of size."""


def erode(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    h, w = mask.shape
    padded = np.pad(mask.astype(bool), size, constant_values=True)
    out = np.ones((h, w), dtype=bool)
    for dy in range(-size, size + 1):
        for dx in range(-size, size + 1):
            out &= padded[size + dy:size + dy + h, size + dx:size + dx + w]
    return out
