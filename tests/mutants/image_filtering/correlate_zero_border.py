"""correlate2d pads with zeros whatever the border, so "reflect101" (the default) darkens the image's edges."""


def correlate2d(image, kernel, border="reflect101"):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    _check_2d("image", image)
    _check_2d("kernel", kernel)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(f"kernel must have odd height and width, got shape {kernel.shape}")
    if border not in BORDERS:
        raise ValueError(f"border must be one of {BORDERS}, got {border!r}")
    ry, rx = kernel.shape[0] // 2, kernel.shape[1] // 2
    padded = np.pad(image, ((ry, ry), (rx, rx)))
    return np.einsum("yxij,ij->yx", sliding_window_view(padded, kernel.shape), kernel)
