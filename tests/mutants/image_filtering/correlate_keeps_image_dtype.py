"""correlate2d accumulates into np.zeros_like(image): uint8 images wrap around and float32 images stay float32."""


def correlate2d(image, kernel, border="reflect101"):
    image = np.asarray(image)
    kernel = np.asarray(kernel, dtype=np.float64)
    _check_2d("image", image)
    _check_2d("kernel", kernel)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(f"kernel must have odd height and width, got shape {kernel.shape}")
    if border not in BORDERS:
        raise ValueError(f"border must be one of {BORDERS}, got {border!r}")
    ry, rx = kernel.shape[0] // 2, kernel.shape[1] // 2
    mode = "reflect" if border == "reflect101" else "constant"
    padded = np.pad(image, ((ry, ry), (rx, rx)), mode=mode)
    h, w = image.shape
    out = np.zeros_like(image)
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            out += (kernel[i, j] * padded[i:i + h, j:j + w]).astype(image.dtype)
    return out
