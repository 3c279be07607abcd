"""detect_corners finds maxima of 3×3 neighbourhoods whatever min_distance, then only spaces them greedily."""


def detect_corners(response, threshold_rel=0.01, min_distance=1):
    response = _check_image("response", response)
    _check_number("threshold_rel", threshold_rel, lambda t: 0 <= t <= 1, "a number in [0, 1]")
    _check_int("min_distance", min_distance, 1)
    radius = 1
    padded = np.pad(response, radius, mode="constant", constant_values=-np.inf)
    local_max = response == sliding_window_view(padded, (2 * radius + 1,) * 2).max(axis=(-2, -1))
    rows, cols = np.nonzero(local_max & (response > max(threshold_rel * response.max(), response.min())))
    peaks = np.stack([rows, cols], axis=1)[np.argsort(-response[rows, cols], kind="stable")]
    kept = []
    for peak in peaks:
        if all(np.abs(peak - other).max() >= min_distance for other in kept):
            kept.append(peak)
    return np.array(kept, dtype=np.int64).reshape(-1, 2)
