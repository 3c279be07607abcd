"""correlate2d takes the kernel's half-width from its height, assuming square kernels: non-square kernels shift or crop the output."""


def correlate2d(image, kernel, border="reflect101"):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    _check_2d("image", image)
    _check_2d("kernel", kernel)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(f"kernel must have odd height and width, got shape {kernel.shape}")
    if border not in BORDERS:
        raise ValueError(f"border must be one of {BORDERS}, got {border!r}")
    r = kernel.shape[0] // 2
    mode = "reflect" if border == "reflect101" else "constant"
    padded = np.pad(image, r, mode=mode)
    h, w = image.shape
    out = np.zeros((h, w))
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            out += kernel[i, j] * padded[i:i + h, j:j + w]
    return out
