"""erode pads the mask with False, so the outside of the image erodes every border pixel."""


def erode(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    padded = np.pad(mask.astype(bool), size // 2, constant_values=False)
    return sliding_window_view(padded, (size, size)).all(axis=(-2, -1))
