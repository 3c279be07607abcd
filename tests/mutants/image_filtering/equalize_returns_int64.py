"""equalize_histogram returns the look-up table's int64 values instead of a uint8 image."""


def equalize_histogram(image):
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"image must be a uint8 array, got dtype {image.dtype}")
    _check_2d("image", image)
    cdf = np.cumsum(np.bincount(image.ravel(), minlength=256))
    n = image.size
    cdf_min = cdf[image.min()]
    if cdf_min == n:
        return image.copy()
    lut = (cdf - cdf_min) * 255 // (n - cdf_min)
    return lut[image]
