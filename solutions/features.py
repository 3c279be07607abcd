"""Features and motion with NumPy (spec §7).

Harris corners and their peaks, BRIEF binary descriptors packed into bytes and
compared by Hamming distance, nearest-neighbour matching with Lowe's ratio test
and a mutual check, one step of Lucas–Kanade optical flow, the HSV picture of a
flow field and backward warping by a flow. NumPy only: OpenCV, scikit-image and
SciPy are what the graders compare against, so no function here may call them
(each docstring names the calls that cost its points).

Images are 2-D arrays (uint8 or float) indexed `image[row, col]`; a point is
`(row, col)`, a flow vector is `(dx, dy)` = (along columns, along rows). "reflect101"
is OpenCV's default border: the image mirrored without repeating its edge pixel
(dcb|abcd|cba), which is NumPy's `np.pad(..., mode="reflect")`. Bad input raises
ValueError naming the parameter.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

METRICS = ("euclidean", "hamming")
MIN_EIGENVALUE = 1e-6  # lucas_kanade: smaller eigenvalue of the 2×2 matrix below this gives NaN


def _check_image(name: str, image) -> np.ndarray:
    """`image` as a float64 array; ValueError unless it is a non-empty 2-D array."""
    image = np.asarray(image)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {image.shape}")
    return image.astype(np.float64)


def _check_int(name: str, value, low: int, odd: bool = False) -> None:
    """ValueError unless `value` is an int >= `low` (and odd when `odd`)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (odd and value % 2 == 0):
        raise ValueError(f"{name} must be {'an odd' if odd else 'an'} int >= {low}, got {value!r}")


def _check_number(name: str, value, ok, expected: str) -> None:
    """ValueError unless `value` is a real number (not a bool) for which `ok(value)` holds."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not ok(value):
        raise ValueError(f"{name} must be {expected}, got {value!r}")


def _check_integer_rows(name: str, array, width: int) -> np.ndarray:
    """`array` as int64; ValueError unless it is an integer array of shape (N, width)."""
    array = np.asarray(array)
    if array.ndim != 2 or array.shape[1] != width or not (array.dtype.kind in "iu" or array.size == 0):
        raise ValueError(f"{name} must be an integer array of shape (N, {width}), got {array.dtype} {array.shape}")
    return array.astype(np.int64)


def _check_points(points, shape: tuple[int, int]) -> np.ndarray:
    """`points` as int64; ValueError unless it is an integer (N, 2) array of (row, col) inside a `shape` image."""
    points = _check_integer_rows("points", points, 2)
    if ((points < 0) | (points >= shape)).any():
        raise ValueError(f"points must lie inside the {shape} image")
    return points


def _check_descriptors(d1, d2) -> tuple[np.ndarray, np.ndarray]:
    """ValueError unless `d1` and `d2` are 2-D arrays with at least one row and the same number of columns."""
    d1, d2 = np.asarray(d1), np.asarray(d2)
    for name, d in (("d1", d1), ("d2", d2)):
        if d.ndim != 2 or len(d) == 0:
            raise ValueError(f"{name} must be a 2-D array with at least one row, got shape {d.shape}")
    if d1.shape[1] != d2.shape[1]:
        raise ValueError(f"d1 and d2 must have the same number of columns, got {d1.shape[1]} and {d2.shape[1]}")
    return d1, d2


def _check_packed(name: str, array) -> np.ndarray:
    """ValueError unless `array` is a 2-D uint8 array."""
    array = np.asarray(array)
    if array.ndim != 2 or array.dtype != np.uint8:
        raise ValueError(f"{name} must be a 2-D uint8 array of packed bits, got {array.dtype} {array.shape}")
    return array


def _check_flow(flow, shape=None) -> np.ndarray:
    """`flow` as float64; ValueError unless it is (H, W, 2), with (H, W) == `shape` when given."""
    flow = np.asarray(flow, dtype=np.float64)
    if flow.ndim != 3 or flow.shape[2] != 2 or flow.size == 0 or (shape is not None and flow.shape[:2] != shape):
        want = "(H, W, 2)" if shape is None else f"{(*shape, 2)}"
        raise ValueError(f"flow must have shape {want}, got {flow.shape}")
    return flow


def harris_response(image: np.ndarray, block_size: int = 3, k: float = 0.04) -> np.ndarray:
    """Harris corner response R of a 2-D image, float64 of the image's shape.

    Ix, Iy are the 3×3 Sobel responses (reflect101 border) divided by 4·block_size
    (OpenCV's scaling). Sxx, Sxy, Syy are the un-normalised sums of Ix², Ix·Iy, Iy²
    over the block_size×block_size window of each pixel, reflect101 border; the
    window covers rows r - block_size//2 … r - block_size//2 + block_size - 1 and the
    same columns (centred for odd sizes; for even sizes one more row and column
    before the pixel than after, as OpenCV anchors it). Then
    R = Sxx·Syy - Sxy² - k·(Sxx + Syy)².

    `image`: non-empty 2-D, `block_size`: int >= 1, `k`: finite number, else ValueError.
    Not allowed: cv2.cornerHarris, cv2.cornerMinEigenVal, cv2.cornerEigenValsAndVecs.
    """
    ### BEGIN SOLUTION
    image = _check_image("image", image)
    _check_int("block_size", block_size, 1)
    _check_number("k", k, np.isfinite, "a finite number")
    p = np.pad(image, 1, mode="reflect")
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    ix, iy = gx / (4 * block_size), gy / (4 * block_size)
    before = block_size // 2
    after = block_size - 1 - before

    def window_sum(values):
        padded = np.pad(values, ((before, after), (before, after)), mode="reflect")
        return sliding_window_view(padded, (block_size, block_size)).sum(axis=(-2, -1))

    sxx, sxy, syy = window_sum(ix * ix), window_sum(ix * iy), window_sum(iy * iy)
    return sxx * syy - sxy ** 2 - k * (sxx + syy) ** 2
    ### END SOLUTION


def detect_corners(response: np.ndarray, threshold_rel: float = 0.01, min_distance: int = 1) -> np.ndarray:
    """(N, 2) int64 (row, col) of the peaks of a 2-D response, strongest first.

    A pixel is a peak when (1) it equals the maximum of the (2·min_distance+1)² square
    centred on it (clipped to the image; equal neighbours do not disqualify it) and
    (2) it is strictly greater than threshold_rel · response.max() and than
    response.min() (so a constant response has no peaks). Peaks are sorted by
    decreasing response, equal responses in row-major order (a stable sort); going
    down that list, a peak closer than min_distance (Chebyshev distance
    max(|Δrow|, |Δcol|)) to a peak kept before it is dropped, which only happens to
    equal responses. This is skimage.feature.peak_local_max(response, min_distance,
    threshold_rel=threshold_rel, exclude_border=False). No peak: shape (0, 2).

    `response`: non-empty 2-D, `threshold_rel`: number in [0, 1], `min_distance`:
    int >= 1, else ValueError. Not allowed: skimage.feature.peak_local_max,
    skimage.feature.corner_peaks, cv2.goodFeaturesToTrack.
    """
    ### BEGIN SOLUTION
    response = _check_image("response", response)
    _check_number("threshold_rel", threshold_rel, lambda t: 0 <= t <= 1, "a number in [0, 1]")
    _check_int("min_distance", min_distance, 1)
    size = 2 * min_distance + 1
    padded = np.pad(response, min_distance, mode="constant", constant_values=-np.inf)  # clips the squares
    local_max = response == sliding_window_view(padded, (size, size)).max(axis=(-2, -1))
    threshold = max(threshold_rel * response.max(), response.min())
    rows, cols = np.nonzero(local_max & (response > threshold))  # row-major order
    order = np.argsort(-response[rows, cols], kind="stable")
    kept = []
    for peak in np.stack([rows, cols], axis=1)[order]:
        if all(np.abs(peak - other).max() >= min_distance for other in kept):
            kept.append(peak)
    return np.array(kept, dtype=np.int64).reshape(-1, 2)
    ### END SOLUTION


def brief_descriptors(image: np.ndarray, keypoints: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BRIEF binary tests: returns (bits (N', M) bool, kept (N,) bool).

    `pairs` (M, 4) integer offsets (dr1, dc1, dr2, dc2); bit i of a keypoint at
    (r, c) is image[r + dr1, c + dc1] < image[r + dr2, c + dc2] (strictly less, in
    the image's own values). A keypoint is kept (kept True) when all 2·M pixels of
    its tests lie inside the image, else dropped; `bits` has one row per kept
    keypoint, in the order of `keypoints`. Offsets are not wrapped around nor clipped.

    `image`: non-empty 2-D; `keypoints`: integer (N, 2) array of (row, col), N may be
    0; `pairs`: integer (M, 4) array with M >= 1; else ValueError.
    """
    ### BEGIN SOLUTION
    pixels = np.asarray(image)
    _check_image("image", pixels)
    keypoints = _check_integer_rows("keypoints", keypoints, 2)
    pairs = _check_integer_rows("pairs", pairs, 4)
    if len(pairs) == 0:
        raise ValueError("pairs must hold at least one test, got shape (0, 4)")
    drows, dcols = pairs[:, [0, 2]], pairs[:, [1, 3]]
    rows, cols = keypoints[:, :1], keypoints[:, 1:]
    height, width = pixels.shape
    kept = ((rows + drows.min() >= 0) & (rows + drows.max() < height)
            & (cols + dcols.min() >= 0) & (cols + dcols.max() < width)).ravel()
    r, c = keypoints[kept, :1], keypoints[kept, 1:]  # (N', 1), broadcast against the M tests
    first = pixels[r + pairs[:, 0], c + pairs[:, 1]]
    second = pixels[r + pairs[:, 2], c + pairs[:, 3]]
    return first < second, kept
    ### END SOLUTION


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """(N, M) bits → (N, ⌈M/8⌉) uint8, 8 bits per byte, most significant bit first.

    Bit j of a row goes to byte j // 8 with weight 2^(7 - j % 8); a last, incomplete
    byte is filled with zero bits at its low end (np.packbits(bits, axis=1) order,
    OpenCV's descriptor layout). `bits` is read as bool (non-zero = 1). Write the
    packing yourself: np.packbits is the reference and is not allowed.

    `bits` not 2-D: ValueError.
    """
    ### BEGIN SOLUTION
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"bits must be a 2-D (N, M) array, got shape {bits.shape}")
    n, m = bits.shape
    n_bytes = -(-m // 8)
    padded = np.zeros((n, 8 * n_bytes), dtype=np.int64)
    padded[:, :m] = bits.astype(bool)
    weights = 1 << np.arange(7, -1, -1)  # 128, 64, ..., 1
    return (padded.reshape(n, n_bytes, 8) * weights).sum(axis=-1).astype(np.uint8)
    ### END SOLUTION


def hamming_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(Na, Nb) int64: out[i, j] = number of differing bits of the packed rows a[i] and b[j].

    The popcount of a[i] XOR b[j], summed over the bytes (cv2.norm(a[i], b[j],
    cv2.NORM_HAMMING)). `a` (Na, B) and `b` (Nb, B) are uint8; np.unpackbits or a
    256-entry table of bit counts may help.

    `a` or `b` not a 2-D uint8 array, or different numbers of bytes B: ValueError.
    Not allowed: cv2.norm, cv2.batchDistance, cv2.BFMatcher.
    """
    ### BEGIN SOLUTION
    a, b = _check_packed("a", a), _check_packed("b", b)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"a and b must have the same number of bytes per row, got {a.shape[1]} and {b.shape[1]}")
    popcount = np.array([bin(value).count("1") for value in range(256)], dtype=np.int64)  # set bits per byte
    return popcount[a[:, None, :] ^ b[None, :, :]].sum(axis=-1)
    ### END SOLUTION


def match_descriptors(d1: np.ndarray, d2: np.ndarray, metric: str = "euclidean", max_ratio: float = 1.0,
                      cross_check: bool = True) -> np.ndarray:
    """(K, 2) int64 index pairs (i, j): row j of d2 is the nearest neighbour of row i of d1.

    Distances: "euclidean" (float descriptors) or "hamming" (bool descriptors: the
    fraction of the M positions that differ). The nearest neighbour is the smallest
    distance (the lowest index among equal ones). A match is kept when:
    - cross_check: i is also the nearest neighbour of j among the rows of d1 (mutual);
    - max_ratio < 1 (Lowe's ratio test): best < max_ratio · second_best, where
      second_best is the smallest distance from row i to the other rows of d2 (inf if
      d2 has one row) and a second_best of 0 counts as np.finfo(float).eps (so a
      match at distance 0 is kept). max_ratio = 1 keeps every match.
    Rows are sorted by i. No match: shape (0, 2). This is
    skimage.feature.match_descriptors(d1, d2, metric=..., cross_check=..., max_ratio=...).

    `d1`, `d2`: 2-D with the same number of columns; `metric` one of METRICS;
    `max_ratio`: number in (0, 1]; else ValueError.
    Not allowed: skimage.feature.match_descriptors, cv2.BFMatcher.
    """
    ### BEGIN SOLUTION
    d1, d2 = _check_descriptors(d1, d2)
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    _check_number("max_ratio", max_ratio, lambda r: 0 < r <= 1, "a number in (0, 1]")
    if metric == "hamming":
        distances = (d1[:, None, :] != d2[None, :, :]).mean(axis=-1)
    else:
        diff = d1.astype(np.float64)[:, None, :] - d2.astype(np.float64)[None, :, :]
        distances = np.sqrt((diff ** 2).sum(axis=-1))
    first = np.arange(len(d1))
    nearest = distances.argmin(axis=1)
    keep = np.ones(len(d1), dtype=bool)
    if cross_check:
        keep &= distances.argmin(axis=0)[nearest] == first
    if max_ratio < 1:
        best = distances[first, nearest]
        others = distances.copy()
        others[first, nearest] = np.inf
        second = others.min(axis=1)
        second[second == 0] = np.finfo(np.float64).eps
        keep &= best < max_ratio * second
    return np.stack([first[keep], nearest[keep]], axis=1).astype(np.int64)
    ### END SOLUTION


def lucas_kanade(prev: np.ndarray, next: np.ndarray, points: np.ndarray, window: int = 5) -> np.ndarray:
    """One Lucas–Kanade step: (N, 2) float64 flow (dx, dy) at integer points (row, col).

    The images are read as float64. Ix, Iy = central differences of `prev`,
    (I[·, c+1] - I[·, c-1]) / 2 and (I[r+1, ·] - I[r-1, ·]) / 2, reflect101 border
    (so 0 on the edge columns / rows); It = next - prev. Over the window×window square
    centred on the point (pixels outside the image left out of the sums):
        [ΣIx²  ΣIxIy] [dx]     [ΣIxIt]
        [ΣIxIy ΣIy² ] [dy] = − [ΣIyIt]
    The flow is NaN (both components) where the smaller eigenvalue of that matrix is
    below 1e-6 (MIN_EIGENVALUE): a flat patch or a straight edge (aperture problem).

    `prev`, `next`: 2-D of the same shape; `points`: integer (N, 2) inside the image;
    `window`: odd int >= 1; else ValueError.
    Not allowed: cv2.calcOpticalFlowPyrLK, cv2.calcOpticalFlowFarneback.
    """
    ### BEGIN SOLUTION
    prev = _check_image("prev", prev)
    next = _check_image("next", next)
    if prev.shape != next.shape:
        raise ValueError(f"prev and next must have the same shape, got {prev.shape} and {next.shape}")
    _check_int("window", window, 1, odd=True)
    points = _check_points(points, prev.shape)
    rows, cols = points[:, 0], points[:, 1]
    p = np.pad(prev, 1, mode="reflect")
    ix, iy = (p[1:-1, 2:] - p[1:-1, :-2]) / 2, (p[2:, 1:-1] - p[:-2, 1:-1]) / 2
    it = next - prev
    half = window // 2

    def window_sums(values):  # zeros around the image leave the outside out of the sums
        return sliding_window_view(np.pad(values, half), (window, window))[rows, cols].sum(axis=(-2, -1))

    sxx, sxy, syy, sxt, syt = (window_sums(v) for v in (ix * ix, ix * iy, iy * iy, ix * it, iy * it))
    matrices = np.stack([np.stack([sxx, sxy], -1), np.stack([sxy, syy], -1)], -2)  # (N, 2, 2)
    smallest = np.linalg.eigvalsh(matrices)[:, 0]
    flow = np.full((len(points), 2), np.nan)
    ok = smallest >= MIN_EIGENVALUE
    rhs = -np.stack([sxt, syt], -1)[ok]
    flow[ok] = np.linalg.solve(matrices[ok], rhs[..., None])[..., 0]
    return flow
    ### END SOLUTION


def flow_to_hsv(flow: np.ndarray, max_magnitude: float | None = None) -> np.ndarray:
    """uint8 (H, W, 3) HSV picture of a (H, W, 2) flow of (dx, dy), OpenCV's hue range 0..179.

    hue = rint(angle / 2) mod 180, angle = atan2(dy, dx) in degrees taken in [0, 360)
    (rint rounds half to even, as np.rint and Python's round do);
    saturation = 255;
    value = rint(255 · min(magnitude / max_magnitude, 1)), magnitude = sqrt(dx² + dy²),
    `max_magnitude` defaulting to the largest magnitude of the flow (an all-zero
    flow then has value 0 everywhere).

    `flow` not (H, W, 2), or `max_magnitude` not None nor a finite number > 0: ValueError.
    Not allowed: cv2.cartToPolar, cv2.phase, cv2.magnitude.
    """
    ### BEGIN SOLUTION
    flow = _check_flow(flow)
    if max_magnitude is not None:
        _check_number("max_magnitude", max_magnitude, lambda m: 0 < m < np.inf, "None or a finite number > 0")
    dx, dy = flow[..., 0], flow[..., 1]
    angle = np.mod(np.degrees(np.arctan2(dy, dx)), 360.0)
    magnitude = np.hypot(dx, dy)
    scale = magnitude.max() if max_magnitude is None else max_magnitude
    fraction = np.minimum(magnitude / scale, 1.0) if scale > 0 else np.zeros_like(magnitude)
    hsv = np.empty(flow.shape[:2] + (3,), dtype=np.uint8)
    hsv[..., 0] = np.mod(np.rint(angle / 2), 180)
    hsv[..., 1] = 255
    hsv[..., 2] = np.rint(255 * fraction)
    return hsv
    ### END SOLUTION


def warp_image(image: np.ndarray, flow: np.ndarray) -> np.ndarray:
    """Backward warp, float64 of the image's shape: out[r, c] = image(r + dy[r, c], c + dx[r, c]).

    `flow[..., 0]` is dx, `flow[..., 1]` is dy. The image is read at the non-integer
    position by bilinear interpolation between its 4 surrounding pixels; positions
    are first clamped to [0, H-1] × [0, W-1], so outside the image the edge pixel is
    replicated (scipy.ndimage.map_coordinates(image, coords, order=1, mode="nearest")).

    `image` not 2-D, or `flow` not of shape (H, W, 2) for an (H, W) image: ValueError.
    Not allowed: scipy.ndimage.map_coordinates, cv2.remap, skimage.transform.warp.
    """
    ### BEGIN SOLUTION
    image = _check_image("image", image)
    flow = _check_flow(flow, image.shape)
    height, width = image.shape
    rows, cols = np.indices(image.shape, dtype=np.float64)
    y = np.clip(rows + flow[..., 1], 0, height - 1)
    x = np.clip(cols + flow[..., 0], 0, width - 1)
    y0, x0 = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
    y1, x1 = np.minimum(y0 + 1, height - 1), np.minimum(x0 + 1, width - 1)
    wy, wx = y - y0, x - x0
    top = (1 - wx) * image[y0, x0] + wx * image[y0, x1]
    bottom = (1 - wx) * image[y1, x0] + wx * image[y1, x1]
    return (1 - wy) * top + wy * bottom
    ### END SOLUTION
