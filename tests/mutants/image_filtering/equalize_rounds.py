"""equalize_histogram rounds (CDF(r) - CDF_min) / (n - CDF_min) · 255 to the nearest level instead of flooring it."""


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
    lut = np.round((cdf - cdf_min) / (n - cdf_min) * 255)
    return np.clip(lut, 0, 255).astype(np.uint8)[image]
