"""brief_descriptors keeps every keypoint and lets tests that leave the image wrap around (modulo the size)."""


def brief_descriptors(image, keypoints, pairs):
    pixels = np.asarray(image)
    _check_image("image", pixels)
    keypoints = _check_integer_rows("keypoints", keypoints, 2)
    pairs = _check_integer_rows("pairs", pairs, 4)
    if len(pairs) == 0:
        raise ValueError("pairs must hold at least one test, got shape (0, 4)")
    height, width = pixels.shape
    r, c = keypoints[:, :1], keypoints[:, 1:]
    first = pixels[(r + pairs[:, 0]) % height, (c + pairs[:, 1]) % width]
    second = pixels[(r + pairs[:, 2]) % height, (c + pairs[:, 3]) % width]
    return first < second, np.ones(len(keypoints), dtype=bool)
