"""dilate pads the mask with True, so the outside of the image dilates into every border pixel."""


def dilate(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    padded = np.pad(mask.astype(bool), size // 2, constant_values=True)
    return sliding_window_view(padded, (size, size)).any(axis=(-2, -1))
