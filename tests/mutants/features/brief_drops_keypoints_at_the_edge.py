"""brief_descriptors drops keypoints whose tests reach the last row or column (< size - 1 instead of < size)."""


def brief_descriptors(image, keypoints, pairs):
    pixels = np.asarray(image)
    _check_image("image", pixels)
    keypoints = _check_integer_rows("keypoints", keypoints, 2)
    pairs = _check_integer_rows("pairs", pairs, 4)
    if len(pairs) == 0:
        raise ValueError("pairs must hold at least one test, got shape (0, 4)")
    drows, dcols = pairs[:, [0, 2]], pairs[:, [1, 3]]
    rows, cols = keypoints[:, :1], keypoints[:, 1:]
    height, width = pixels.shape
    kept = ((rows + drows.min() >= 0) & (rows + drows.max() < height - 1)
            & (cols + dcols.min() >= 0) & (cols + dcols.max() < width - 1)).ravel()
    r, c = keypoints[kept, :1], keypoints[kept, 1:]
    return pixels[r + pairs[:, 0], c + pairs[:, 1]] < pixels[r + pairs[:, 2], c + pairs[:, 3]], kept
