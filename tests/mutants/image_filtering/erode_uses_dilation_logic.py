"""erode keeps a pixel if any pixel under the element is True (dilation's rule) instead of all of them."""


def erode(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    padded = np.pad(mask.astype(bool), size // 2, constant_values=True)
    return sliding_window_view(padded, (size, size)).any(axis=(-2, -1))
