"""dilate ORs a horizontal and a vertical 1-D dilation, which is a plus-shaped element, not a square."""


def dilate(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    r = size // 2
    padded = np.pad(mask.astype(bool), r, constant_values=False)
    rows = sliding_window_view(padded[r:padded.shape[0] - r], size, axis=1).any(axis=-1)
    cols = sliding_window_view(padded[:, r:padded.shape[1] - r], size, axis=0).any(axis=-1)
    return rows | cols
