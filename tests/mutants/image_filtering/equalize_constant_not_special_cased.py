"""equalize_histogram forgets that a constant image has n - CDF_min = 0: the division by zero turns it black."""


def equalize_histogram(image):
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"image must be a uint8 array, got dtype {image.dtype}")
    _check_2d("image", image)
    cdf = np.cumsum(np.bincount(image.ravel(), minlength=256))
    cdf_min = cdf[image.min()]
    with np.errstate(divide="ignore"):
        lut = (cdf - cdf_min) * 255 // (image.size - cdf_min)
    return np.clip(lut, 0, 255).astype(np.uint8)[image]
