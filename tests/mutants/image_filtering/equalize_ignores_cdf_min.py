"""equalize_histogram maps r to floor(CDF(r) / n · 255), without subtracting CDF_min, so the darkest level is not 0."""


def equalize_histogram(image):
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"image must be a uint8 array, got dtype {image.dtype}")
    _check_2d("image", image)
    cdf = np.cumsum(np.bincount(image.ravel(), minlength=256))
    lut = cdf * 255 // image.size
    return lut.astype(np.uint8)[image]
