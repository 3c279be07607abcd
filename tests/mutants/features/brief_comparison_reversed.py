"""brief_descriptors sets a bit when the first pixel is the brighter one (> instead of <)."""

_solution_brief_descriptors = brief_descriptors


def brief_descriptors(image, keypoints, pairs):
    pairs = np.asarray(pairs)
    swapped = pairs[:, [2, 3, 0, 1]] if pairs.ndim == 2 and pairs.shape[1] == 4 else pairs
    return _solution_brief_descriptors(image, keypoints, swapped)
