"""dilate is erode copied with the padding changed but .all() left in place, so it shrinks the mask instead of growing it."""


def dilate(mask, size):
    mask = np.asarray(mask)
    _check_2d("mask", mask)
    _check_odd_size("size", size)
    padded = np.pad(mask.astype(bool), size // 2, constant_values=False)
    return sliding_window_view(padded, (size, size)).all(axis=(-2, -1))
