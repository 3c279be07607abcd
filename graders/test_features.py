"""Hidden graders for `features` (spec §7), against OpenCV, scikit-image and SciPy.

Inputs are drawn from `np_rng(seed)` with the seed in the test id, or are `skimage.data`
images resized to 48×64 (`cvgrade.inputs.sample_image`) and cropped to the case's size
(20-64 px a side), so a failing case can be replayed by hand. Synthetic scenes are sums
of Gaussian blobs (centres, amplitudes and widths from the seed) evaluated analytically
at shifted coordinates, so a "moved" copy is exact, not interpolated. Responses handed
to `detect_corners` have no two equal peak candidates unless the test is about ties
(`_untied` checks this); ratio-test boundaries use distances that are exact in float64
(3 and 4, or 3/8 and 4/8), so `best < r · second` and `best / second < r` agree there.
Likewise no random input sits within rounding of a decision that two correct
formulations could take differently (checked: `_separated` for nearest neighbours,
`_untied_flow` for the HSV rounding, `_check_lk` for the eigenvalue threshold); each
boundary has its own test, exact on both sides. Integer results (corners, bits, bytes,
distances, matches, uint8 HSV) are compared exactly; float results with the tolerances
below, each with its reason.
"""

import numpy as np
import pytest
from scipy import ndimage

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import np_rng
from cvgrade.inputs import sample_image as _sample_image
from cvgrade.tolerances import EPS, Tolerance
from reference import features as ref

TOPIC = "features"
GRADED_ALIASES = {"harris": "harris_response", "brief": "brief_descriptors"}  # test-name prefixes -> the graded name they check (feedback groups)
DENY_IMPORTS = ["cv2"]  # graded against OpenCV: an isolated submission cannot import it at all
REFERENCE_CALLS = {
    "harris_response": ["cv2.cornerHarris", "cv2.cornerMinEigenVal", "cv2.cornerEigenValsAndVecs"],
    "detect_corners": ["skimage.feature.peak_local_max", "skimage.feature.corner_peaks", "cv2.goodFeaturesToTrack"],
    "pack_bits": ["numpy.packbits"],
    "hamming_distance": ["cv2.norm", "cv2.batchDistance", "cv2.BFMatcher"],
    "match_descriptors": ["skimage.feature.match_descriptors", "cv2.BFMatcher"],
    "lucas_kanade": ["cv2.calcOpticalFlowPyrLK", "cv2.calcOpticalFlowFarneback"],
    "flow_to_hsv": ["cv2.cartToPolar", "cv2.phase", "cv2.magnitude"],
    "warp_image": ["scipy.ndimage.map_coordinates", "cv2.remap", "skimage.transform.warp"],
}

# cv2.cornerHarris computes in float32: R = Sxx·Syy − Sxy² − k·(Sxx+Syy)² is a difference of products of size
# up to (Sxx+Syy)², each rounded to float32, so a correct float64 result is within a few eps32 of that scale
# (measured on these cases: at most 0.27 of it); 8 eps32 · max (Sxx+Syy)² holds for any order of summation.
HARRIS_ULPS = 8
# Bilinear interpolation is a weighted sum of 4 pixels (|value| <= 255) with weights in [0, 1]: any order of
# the 3 products and 3 sums errs by < 8 eps64 · 255 ≈ 5e-13.
WARP = Tolerance(rtol=0.0, atol=1e-10)
# Lucas–Kanade solves a 2×2 system whose entries are sums of up to 49 products: solving amplifies their
# relative rounding (~50 eps64) by the condition number of the matrix, per point (see `_lk_tolerance`).
LK_ULPS = 64


def sample_image(name, size):
    """The skimage.data image `name` resized to 48×64 (the checkerboard 48×48), its top-left `size` corner.

    One resize per image (cvgrade.inputs caches it per size), so the cases of different sizes crop it.
    """
    return _sample_image(name, (48, 48) if name == "checkerboard" else (48, 64))[:size[0], :size[1]]


def _raises(submission, name, word, *args, **kwargs):
    """The call must raise ValueError whose message names `word` (the offending parameter)."""
    with pytest.raises(ValueError, match=f"(?i){word}"):
        submission.call(name, *args, **kwargs)


def _blobs(shape, seed, shift=(0.0, 0.0), count=12, widths=(3.0, 6.0)):
    """Sum of `count` Gaussian blobs with content moved by shift = (dx, dy), evaluated exactly (float64)."""
    rng = np_rng(seed)
    cy, cx = rng.uniform(0, shape[0], count), rng.uniform(0, shape[1], count)
    amplitude, sigma = rng.uniform(-1, 1, count), rng.uniform(*widths, count)
    rows, cols = np.indices(shape, dtype=np.float64)
    x, y = cols - shift[0], rows - shift[1]
    return sum(a * np.exp(-((x - u) ** 2 + (y - v) ** 2) / (2 * s * s)) for u, v, a, s in zip(cx, cy, amplitude, sigma))


def _smooth(shape, seed, sigma=1.5, scale=1.0):
    """Gaussian-smoothed white noise: a continuous field with local maxima a few pixels apart and no ties."""
    return scale * ndimage.gaussian_filter(np_rng(seed).standard_normal(shape), sigma, mode="reflect")


def _to_uint8(image, low, high):
    """`image` mapped linearly from [low, high] to [10, 245] and rounded."""
    return np.rint(10 + 235 * (image - low) / (high - low)).clip(0, 255).astype(np.uint8)


# -- harris_response -----------------------------------------------------------------------

def _check_harris(submission, image, block_size, k, arguments):
    """harris_response(image, **arguments) against cv2.cornerHarris(image, block_size, 3, k)."""
    out = submission.call("harris_response", image, **arguments)
    tol = Tolerance(rtol=0.0, atol=HARRIS_ULPS * EPS["float32"] * ref.harris_scale(image, block_size))
    assert_close(out, ref.harris_response(image, block_size, k), dtype=np.float64, tol=tol,
                 name=f"harris_response(block_size={block_size}, k={k})", image="HW")


HARRIS_CASES = [  # (skimage.data image, size, block_size, k)
    ("camera", (48, 64), 3, 0.04), ("coins", (48, 64), 2, 0.05), ("astronaut", (40, 56), 5, 0.04),
    ("checkerboard", (48, 48), 3, 0.06), ("camera", (33, 47), 4, 0.04), ("coins", (36, 40), 1, 0.04),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("name,size,block_size,k", HARRIS_CASES)
def test_harris_matches_opencv(submission, name, size, block_size, k):
    _check_harris(submission, sample_image(name, size), block_size, k, {"block_size": block_size, "k": k})


@pytest.mark.points(0.75)
@pytest.mark.parametrize("dtype,seed", [(np.float64, 0), (np.float32, 1)])
def test_harris_of_float_images(submission, dtype, seed):
    # float64: std about 120, negative values included (cornerHarris sees it rounded to float32); float32: [0, 1).
    image = _smooth((30, 41), seed, sigma=1.0, scale=400.0) if dtype == np.float64 \
        else np_rng(seed).random((30, 41), dtype=np.float32)
    _check_harris(submission, image, 3, 0.05, {"block_size": 3, "k": 0.05})


@pytest.mark.points(1)
def test_harris_defaults_are_block_3_k_004(submission):
    _check_harris(submission, sample_image("astronaut", (48, 64)), 3, 0.04, {})


@pytest.mark.points(0.25)
@pytest.mark.parametrize("shape,kwargs,word", [((8,), {}, "image"), ((6, 7, 3), {}, "image"),
                                               ((8, 8), {"block_size": 0}, "block_size"),
                                               ((8, 8), {"block_size": 2.5}, "block_size"),
                                               ((8, 8), {"k": float("nan")}, r"\bk\b")])
def test_harris_rejects_bad_input(submission, shape, kwargs, word):
    _raises(submission, "harris_response", word, np.ones(shape), **kwargs)


# -- detect_corners ------------------------------------------------------------------------

def _untied(response, threshold_rel, min_distance):
    """`response`, after checking that no two peak candidates are equal (ties are tested on their own)."""
    local_max = response == ndimage.maximum_filter(response, size=2 * min_distance + 1, mode="nearest")
    candidates = response[local_max & (response > threshold_rel * response.max())]
    assert len(np.unique(candidates)) == len(candidates), "grader input has tied peaks"
    return response


def _check_corners(submission, response, threshold_rel, min_distance, name, arguments):
    """detect_corners(response, **arguments) against peak_local_max with threshold_rel and min_distance."""
    out = submission.call("detect_corners", response, **arguments)
    assert_equal(out, ref.detect_corners(response, threshold_rel, min_distance), name=name)


CORNER_CASES = [  # (image, size, block_size, threshold_rel, min_distance)
    ("camera", (48, 64), 3, 0.01, 1), ("coins", (48, 64), 2, 0.05, 2), ("astronaut", (40, 56), 3, 0.01, 3),
    ("coins", (48, 64), 3, 0.1, 5), ("camera", (33, 47), 3, 0.2, 2),
]


@pytest.mark.points(0.75)
@pytest.mark.parametrize("name,size,block_size,threshold_rel,min_distance", CORNER_CASES)
def test_detect_corners_of_harris_responses(submission, name, size, block_size, threshold_rel, min_distance):
    response = _untied(ref.harris_response(sample_image(name, size), block_size), threshold_rel, min_distance)
    _check_corners(submission, response, threshold_rel, min_distance, f"corners of {name}",
                   {"threshold_rel": threshold_rel, "min_distance": min_distance})


@pytest.mark.points(0.75)
@pytest.mark.parametrize("threshold_rel,min_distance,seed", [(0.0, 1, 10), (0.3, 2, 11), (0.05, 4, 12)])
def test_detect_corners_of_smooth_fields(submission, threshold_rel, min_distance, seed):
    response = _untied(_smooth((31, 37), seed), threshold_rel, min_distance)
    _check_corners(submission, response, threshold_rel, min_distance, "corners",
                   {"threshold_rel": threshold_rel, "min_distance": min_distance})


def _isolated_peaks(shape, seed, peaks):
    """Background of distinct values in (-1e-3, 0] with `peaks` {(row, col): value} planted on it."""
    response = -1e-3 * np_rng(seed).random(shape)
    for where, value in peaks.items():
        response[where] = value
    return response


@pytest.mark.points(0.5)
@pytest.mark.parametrize("above", [False, True], ids=["at_threshold", "just_above"])
def test_detect_corners_threshold_is_strict(submission, above):
    # max 1.0 and threshold_rel 0.25: a peak of exactly 0.25 is not a corner, one of 0.25 + 1e-9 is.
    response = _isolated_peaks((9, 11), 20, {(1, 1): 1.0, (5, 7): 0.25 + (1e-9 if above else 0.0), (7, 2): 0.6})
    out = submission.call("detect_corners", response, threshold_rel=0.25, min_distance=1)
    want = ref.detect_corners(response, 0.25, 1)
    assert len(want) == 2 + above
    assert_equal(out, want, name="corners of a peak at / above the threshold")


@pytest.mark.points(0.5)
def test_detect_corners_ignores_a_flat_minimum(submission):
    # The left half is flat at the global minimum 0.5, above threshold_rel · max: its pixels equal their whole
    # window but are not strictly above response.min(), so they are not corners.
    response = np.full((20, 24), 0.5)
    response[:, 12:] += 1.0 + _smooth((20, 12), 21) ** 2
    _check_corners(submission, response, 0.01, 2, "corners beside a flat minimum",
                   {"threshold_rel": 0.01, "min_distance": 2})


@pytest.mark.points(0.25)
def test_detect_corners_of_a_constant_response(submission):
    response = np.full((7, 8), 3.0)
    _check_corners(submission, response, 0.01, 1, "corners of a constant response", {})


@pytest.mark.points(0.5)
def test_detect_corners_window_reaches_min_distance(submission):
    # min_distance 2: a weaker peak 2 columns from the strongest is inside its 5×5 square (not a peak), one
    # 3 rows away is outside it (a peak).
    response = _isolated_peaks((12, 12), 23, {(5, 5): 1.0, (5, 7): 0.8, (8, 5): 0.7})
    want = ref.detect_corners(response, 0.1, 2)
    assert want.tolist() == [[5, 5], [8, 5]]
    _check_corners(submission, response, 0.1, 2, "corners near a stronger one",
                   {"threshold_rel": 0.1, "min_distance": 2})


TIES = {(3, 3): 1.0, (3, 4): 1.0, (8, 1): 1.0, (8, 8): 0.9}  # a 2-pixel plateau, an equal peak, a weaker one


@pytest.mark.points(0.5)
@pytest.mark.parametrize("min_distance", [1, 2, 3])
def test_detect_corners_ties(submission, min_distance):
    # Equal responses come in row-major order; the plateau's second pixel is 1 away from its first, so it is
    # kept for min_distance 1 and dropped for 2 and 3.
    response = _isolated_peaks((12, 12), 22, TIES)
    _check_corners(submission, response, 0.5, min_distance, f"corners with ties (min_distance={min_distance})",
                   {"threshold_rel": 0.5, "min_distance": min_distance})


@pytest.mark.points(0.5)
def test_detect_corners_of_a_checkerboard(submission):
    # Every inner corner of the board has the same response, in 2-pixel plateaus: ties and spacing together.
    response = ref.harris_response(sample_image("checkerboard", (48, 48)), 3)
    _check_corners(submission, response, 0.01, 2, "checkerboard corners", {"threshold_rel": 0.01, "min_distance": 2})


@pytest.mark.points(0.5)
def test_detect_corners_defaults(submission):
    response = _untied(ref.harris_response(sample_image("coins", (40, 50)), 3), 0.01, 1)
    _check_corners(submission, response, 0.01, 1, "corners with default arguments", {})


@pytest.mark.points(0.25)
@pytest.mark.parametrize("shape,kwargs,word", [((9,), {}, "response"),
                                               ((5, 5), {"threshold_rel": -0.1}, "threshold_rel"),
                                               ((5, 5), {"threshold_rel": 1.5}, "threshold_rel"),
                                               ((5, 5), {"min_distance": 0}, "min_distance"),
                                               ((5, 5), {"min_distance": 1.5}, "min_distance")])
def test_detect_corners_rejects_bad_input(submission, shape, kwargs, word):
    _raises(submission, "detect_corners", word, np.arange(np.prod(shape), dtype=float).reshape(shape), **kwargs)


# -- brief_descriptors ---------------------------------------------------------------------

def _check_brief(submission, image, keypoints, pairs, name):
    out = submission.call("brief_descriptors", image, keypoints, pairs)
    assert_equal(out, ref.brief_descriptors(image, keypoints, pairs), name=name)


@pytest.mark.points(1)
@pytest.mark.parametrize("name,radius,n_pairs,seed",
                         [("camera", 4, 32, 30), ("coins", 7, 64, 31), ("astronaut", 3, 13, 32)])
def test_brief_matches_reference(submission, name, radius, n_pairs, seed):
    # Keypoints anywhere within `radius` + 2 of the image, so that many tests leave it and are dropped.
    rng = np_rng(seed)
    image = sample_image(name, (40, 52))
    keypoints = np.stack([rng.integers(-2, 42, 60), rng.integers(-2, 54, 60)], axis=1)
    pairs = rng.integers(-radius, radius + 1, (n_pairs, 4))
    _check_brief(submission, image, keypoints, pairs, f"(bits, kept) on {name}")


@pytest.mark.points(0.5)
def test_brief_of_a_float_image(submission):
    rng = np_rng(33)
    image = _smooth((25, 30), 33)
    keypoints = np.stack([rng.integers(0, 25, 40), rng.integers(0, 30, 40)], axis=1)
    _check_brief(submission, image, keypoints, rng.integers(-5, 6, (24, 4)), "(bits, kept) on a float image")


@pytest.mark.points(1)
def test_brief_keeps_keypoints_whose_tests_just_fit(submission):
    # Row offsets reach -3 and +2, column offsets -1 and +3, on a 10×12 image: each keypoint sits at (kept)
    # or one past (dropped) an edge.
    pairs = np.array([[-3, 0, 2, 3], [0, -1, 1, 1], [2, 3, -3, -1]])
    keypoints = np.array([[3, 1], [2, 1], [3, 0], [7, 8], [8, 8], [7, 9], [5, 5]])
    image = np_rng(34).integers(0, 256, (10, 12), dtype=np.uint8)
    out = submission.call("brief_descriptors", image, keypoints, pairs)
    want = ref.brief_descriptors(image, keypoints, pairs)
    assert want[1].tolist() == [True, False, False, True, False, False, True]
    assert_equal(out, want, name="(bits, kept) at the edges")


@pytest.mark.points(0.25)
def test_brief_without_keypoints(submission):
    pairs = np.array([[0, 1, 1, 0], [1, 1, -1, -1]])
    _check_brief(submission, np.zeros((5, 5)), np.zeros((0, 2), dtype=np.int64), pairs, "(bits, kept) of no keypoints")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("image_shape,keypoints,pairs,word", [
    ((9,), np.zeros((2, 2), np.int64), np.zeros((3, 4), np.int64), "image"),
    ((9, 9), np.zeros((2, 3), np.int64), np.zeros((3, 4), np.int64), "keypoints"),
    ((9, 9), np.zeros((2, 2)), np.zeros((3, 4), np.int64), "keypoints"),
    ((9, 9), np.zeros((2, 2), np.int64), np.zeros((3, 2), np.int64), "pairs"),
    ((9, 9), np.zeros((2, 2), np.int64), np.zeros((0, 4), np.int64), "pairs"),
])
def test_brief_rejects_bad_input(submission, image_shape, keypoints, pairs, word):
    _raises(submission, "brief_descriptors", word, np.zeros(image_shape), keypoints, pairs)


# -- pack_bits -----------------------------------------------------------------------------

@pytest.mark.points(0.5)
@pytest.mark.parametrize("n,m,seed", [(4, 8, 40), (6, 13, 41), (3, 32, 42), (5, 1, 43), (2, 70, 44)])
def test_pack_bits_matches_numpy(submission, n, m, seed):
    bits = np_rng(seed).random((n, m)) < 0.5
    assert_equal(submission.call("pack_bits", bits), ref.pack_bits(bits), name=f"pack_bits of {n}×{m} bits")


@pytest.mark.points(0.5)
def test_pack_bits_reads_nonzero_as_one(submission):
    bits = np_rng(45).integers(0, 3, (4, 12)).astype(np.uint8)  # 0, 1 and 2
    assert_equal(submission.call("pack_bits", bits), ref.pack_bits(bits != 0), name="pack_bits of 0/1/2 values")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("shape", [(16,), (2, 3, 8)])
def test_pack_bits_rejects_non_2d(submission, shape):
    _raises(submission, "pack_bits", "bits", np.zeros(shape, dtype=bool))


# -- hamming_distance ----------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("na,nb,n_bytes,seed", [(5, 7, 4, 50), (12, 9, 32, 51), (1, 3, 1, 52)])
def test_hamming_distance_matches_opencv(submission, na, nb, n_bytes, seed):
    rng = np_rng(seed)
    a = rng.integers(0, 256, (na, n_bytes), dtype=np.uint8)
    b = rng.integers(0, 256, (nb, n_bytes), dtype=np.uint8)
    assert_equal(submission.call("hamming_distance", a, b), ref.hamming_distance(a, b), name="hamming_distance")


@pytest.mark.points(0.5)
def test_hamming_distance_of_packed_descriptors(submission):
    # 21 bits per descriptor, packed into 3 bytes with 3 zero bits of padding; a is compared with itself too.
    bits = np_rng(53).random((8, 21)) < 0.5
    packed = ref.pack_bits(bits)
    out = submission.call("hamming_distance", packed, packed)
    assert_equal(out, ref.hamming_distance(packed, packed), name="hamming_distance(a, a)")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("a,b,word", [(np.zeros((2, 4), np.uint8), np.zeros((3, 5), np.uint8), r"\ba\b|\bb\b"),
                                      (np.zeros((2, 4)), np.zeros((3, 4), np.uint8), r"\ba\b"),
                                      (np.zeros((2, 4), np.uint8), np.zeros(4, np.uint8), r"\bb\b")])
def test_hamming_distance_rejects_bad_input(submission, a, b, word):
    _raises(submission, "hamming_distance", word, a, b)


# -- match_descriptors ---------------------------------------------------------------------

def _descriptor_sets(metric, seed):
    """d1 (20 rows) and d2 (25 rows): noisy copies of 15 rows of d1 in shuffled order, then 10 distractors."""
    rng = np_rng(seed)
    if metric == "euclidean":
        d1 = rng.standard_normal((20, 16))
        copies = d1[rng.permutation(20)[:15]] + 0.4 * rng.standard_normal((15, 16))
        return _separated(d1, np.concatenate([copies, rng.standard_normal((10, 16))]))
    d1 = rng.random((20, 64)) < 0.5
    copies = d1[rng.permutation(20)[:15]] ^ (rng.random((15, 64)) < 0.15)
    return d1, np.concatenate([copies, rng.random((10, 64)) < 0.5])


def _separated(d1, d2):
    """(d1, d2), after checking that every row's and column's two smallest Euclidean distances are 1e-6 apart
    (relative): two correct ways of computing distances (differences, or a Gram matrix) then pick the same."""
    distances = np.sqrt(((d1[:, None, :] - d2[None, :, :]) ** 2).sum(axis=-1))
    for axis in (0, 1):
        two = np.sort(distances, axis=axis).take([0, 1], axis=axis)
        assert (two.take(1, axis=axis) / two.take(0, axis=axis) - 1).min() > 1e-6, "grader input has near ties"
    return d1, d2


def _check_matches(submission, d1, d2, metric, max_ratio, cross_check, name):
    out = submission.call("match_descriptors", d1, d2, metric=metric, max_ratio=max_ratio, cross_check=cross_check)
    assert_equal(out, ref.match_descriptors(d1, d2, metric, max_ratio, cross_check), name=name)


# Ratios of Hamming distances on 64 bits are fractions a/b with b <= 64: 0.83 is none of them, so no match sits
# on that boundary; the euclidean ones are continuous.
MATCH_CASES = [(metric, max_ratio, cross_check, seed)
               for metric, ratio, seed in (("euclidean", 0.8, 60), ("hamming", 0.83, 61))
               for max_ratio in (1.0, ratio) for cross_check in (True, False)]


@pytest.mark.points(0.5)
@pytest.mark.parametrize("metric,max_ratio,cross_check,seed", MATCH_CASES)
def test_match_descriptors_matches_skimage(submission, metric, max_ratio, cross_check, seed):
    d1, d2 = _descriptor_sets(metric, seed)
    _check_matches(submission, d1, d2, metric, max_ratio, cross_check,
                   f"matches ({metric}, max_ratio={max_ratio}, cross_check={cross_check})")


BOUNDARY_SETS = {  # the best match of d1[0] is at 3/4 of its second best, exactly
    "euclidean": (np.array([[0.0, 0.0], [10.0, 10.0]]), np.array([[3.0, 0.0], [0.0, 4.0], [10.0, 11.0]])),
    "hamming": (np.array([[0] * 8, [1] * 8], dtype=bool),
                np.array([[1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0], [1] * 8], dtype=bool)),
}


@pytest.mark.points(0.5)
@pytest.mark.parametrize("max_ratio", [0.75, 0.76])
@pytest.mark.parametrize("metric", ["euclidean", "hamming"])
def test_match_descriptors_ratio_boundary(submission, metric, max_ratio):
    # best = 0.75 · second_best: dropped at max_ratio 0.75 (the test is strict), kept at 0.76.
    d1, d2 = BOUNDARY_SETS[metric]
    want = ref.match_descriptors(d1, d2, metric, max_ratio, True)
    assert (0 in want[:, 0]) == (max_ratio > 0.75)
    _check_matches(submission, d1, d2, metric, max_ratio, True, f"matches at the ratio boundary ({metric})")


@pytest.mark.points(0.5)
def test_match_descriptors_keeps_a_match_at_distance_zero(submission):
    # d1[1] equals d2[0] and d2[2]: best and second best are 0; a second best of 0 counts as eps, so it is kept.
    rng = np_rng(62)
    d1 = rng.random((3, 24)) < 0.5
    d2 = np.stack([d1[1], rng.random(24) < 0.5, d1[1], d1[2] ^ (rng.random(24) < 0.2)])
    _check_matches(submission, d1, d2, "hamming", 0.8, True, "matches with duplicate descriptors")


@pytest.mark.points(0.25)
def test_match_descriptors_against_a_single_row(submission):
    # No second best: every nearest neighbour passes the ratio test.
    d1, d2 = _descriptor_sets("euclidean", 63)
    _check_matches(submission, d1, d2[:1], "euclidean", 0.5, False, "matches against one row")


@pytest.mark.points(0.25)
def test_match_descriptors_without_matches(submission):
    d1, d2 = _descriptor_sets("euclidean", 64)
    want = ref.match_descriptors(d1, d2 + 5.0, "euclidean", 0.05, True)
    assert want.shape == (0, 2)
    _check_matches(submission, d1, d2 + 5.0, "euclidean", 0.05, True, "matches (none pass)")


@pytest.mark.points(0.5)
def test_match_descriptors_defaults(submission):
    d1, d2 = _descriptor_sets("euclidean", 65)
    assert_equal(submission.call("match_descriptors", d1, d2), ref.match_descriptors(d1, d2), name="matches")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("d1_shape,d2_shape,kwargs,word", [
    ((5,), (4, 5), {}, "d1"), ((3, 5), (4, 6), {}, "d1|d2"), ((3, 5), (4, 5), {"metric": "cosine"}, "metric"),
    ((3, 5), (4, 5), {"max_ratio": 0.0}, "max_ratio"), ((3, 5), (4, 5), {"max_ratio": 1.5}, "max_ratio"),
])
def test_match_descriptors_rejects_bad_input(submission, d1_shape, d2_shape, kwargs, word):
    _raises(submission, "match_descriptors", word, np.ones(d1_shape), np.ones(d2_shape), **kwargs)


# -- lucas_kanade --------------------------------------------------------------------------

def _lk_tolerance(flow, condition):
    """atol = LK_ULPS · eps64 · max over points of cond(M) · |flow| (the points with a flow)."""
    finite = np.isfinite(condition)
    size = (condition[finite] * np.abs(flow[finite]).max(axis=1)).max() if finite.any() else 0.0
    return Tolerance(rtol=1e-9, atol=LK_ULPS * EPS["float64"] * size)  # rtol: the float64 profile's


def _check_lk(submission, prev, next, points, window, name, arguments):
    """lucas_kanade(prev, next, points, **arguments) against the reference with `window`, on points whose
    smaller eigenvalue is not within 0.1 % of the 1e-6 threshold (there two correct orders of operations could
    honestly fall on different sides; the threshold has a test of its own)."""
    smallest = ref.smallest_eigenvalues(prev, window)[points[:, 0], points[:, 1]]
    assert np.abs(smallest / 1e-6 - 1).min() > 1e-3, "grader input sits on the eigenvalue threshold"
    out = submission.call("lucas_kanade", prev, next, points, **arguments)
    flow, condition = ref.lucas_kanade(prev, next, points, window)
    assert_close(out, flow, tol=_lk_tolerance(flow, condition), name=name)


def _grid(shape, step):
    """Every `step`-th pixel in both directions, the last row and column included: (N, 2) int64."""
    rows = np.unique(np.r_[np.arange(0, shape[0], step), shape[0] - 1])
    cols = np.unique(np.r_[np.arange(0, shape[1], step), shape[1] - 1])
    return np.stack(np.meshgrid(rows, cols, indexing="ij"), -1).reshape(-1, 2).astype(np.int64)


@pytest.mark.points(1)
@pytest.mark.parametrize("shift,window,seed", [((0.3, -0.2), 5, 70), ((-0.4, 0.1), 3, 71), ((0.2, 0.5), 7, 72)])
def test_lucas_kanade_matches_reference(submission, shift, window, seed):
    # A grid of points over the whole image: textured, flat (NaN) and border points alike.
    shape = (36, 44)
    prev, next = _blobs(shape, seed, widths=(2.0, 5.0)), _blobs(shape, seed, shift, widths=(2.0, 5.0))
    _check_lk(submission, prev, next, _grid(shape, 3), window, f"flow (window={window})", {"window": window})


@pytest.mark.points(1)
def test_lucas_kanade_of_uint8_images(submission):
    # next is darker than prev in places: It must be computed on floats, not wrap around in uint8.
    prev = sample_image("camera", (40, 48))
    flow = np.broadcast_to([0.4, -0.3], (40, 48, 2))
    next = np.rint(ref.warp_image(prev, flow)).astype(np.uint8)
    _check_lk(submission, prev, next, _grid((40, 48), 4), 5, "flow of uint8 images", {"window": 5})


@pytest.mark.points(1)
@pytest.mark.parametrize("window", [5, 7])
def test_lucas_kanade_at_the_border(submission, window):
    # Windows cut by the image edge, and derivatives that are 0 on the edge rows and columns (reflect101).
    shape = (24, 30)
    prev, next = _blobs(shape, 73, count=20, widths=(2.0, 4.0)), _blobs(shape, 73, (0.25, 0.15), 20, (2.0, 4.0))
    points = np.array([[0, 0], [0, 29], [23, 0], [23, 29], [0, 13], [23, 17], [11, 0], [9, 29], [1, 1], [2, 27],
                       [22, 2], [12, 1]])
    _check_lk(submission, prev, next, points, window, f"flow at border points (window={window})", {"window": window})


@pytest.mark.points(0.5)
def test_lucas_kanade_nan_on_flat_patches_and_straight_edges(submission):
    # Left: a pattern of columns, Iy = 0 and the matrix has rank 1 (aperture problem); top right: flat, rank 0;
    # bottom right: a 2-D texture.
    rows, cols = np.indices((20, 24), dtype=np.float64)
    columns = np.where(cols < 12, np.sin(cols / 2.0), 0.0)
    texture = np.where((rows > 12) & (cols > 14), np.cos(0.9 * rows) * np.sin(1.3 * cols), 0.0)
    prev = columns + texture
    next = prev + 0.1 * np_rng(74).standard_normal(prev.shape)
    points = np.array([[5, 5], [10, 3], [4, 18], [8, 20], [16, 19], [17, 21]])
    out = submission.call("lucas_kanade", prev, next, points, window=5)
    flow, condition = ref.lucas_kanade(prev, next, points, 5)
    assert np.isnan(flow[:4]).all() and not np.isnan(flow[4:]).any()
    assert_close(out, flow, tol=_lk_tolerance(flow, condition), name="flow of flat and edge patches")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("side", [-1, 1], ids=["below", "above"])
def test_lucas_kanade_eigenvalue_threshold(submission, side):
    # prev = ((c - 10)² + b²·(r - 10)²) / 2 has Ix = c - 10, Iy = b²·(r - 10) exactly, so the 5×5 window at
    # (10, 10) has the diagonal matrix diag(50, 50·b⁴): its smaller eigenvalue is set to 1e-6 · (1 ± 1e-4).
    b2 = np.sqrt(1e-6 * (1 + side * 1e-4) / 50.0)
    rows, cols = np.indices((21, 21), dtype=np.float64)
    prev = ((cols - 10) ** 2 + b2 * (rows - 10) ** 2) / 2
    next = prev + 1e-7 * np.sin(rows + 2 * cols)
    points = np.array([[10, 10]])
    out = submission.call("lucas_kanade", prev, next, points, window=5)
    flow, condition = ref.lucas_kanade(prev, next, points, 5)
    assert np.isnan(flow).all() == (side < 0)
    assert_close(out, flow, tol=_lk_tolerance(flow, condition), name="flow at the eigenvalue threshold")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("shift,seed", [((0.3, 0.0), 75), ((0.0, 0.3), 76), ((-0.3, 0.0), 75)])
def test_lucas_kanade_recovers_a_small_shift_like_opencv(submission, shift, seed):
    # Spec cross-check: a smooth scene moved by 0.3 px, as uint8, at its 16 most textured interior points: the
    # flow is within 0.05 px of the shift, as cv2.calcOpticalFlowPyrLK(maxLevel=0) finds it.
    shape = (40, 48)
    scene, moved = _blobs(shape, seed), _blobs(shape, seed, shift)
    prev, next = _to_uint8(scene, scene.min(), scene.max()), _to_uint8(moved, scene.min(), scene.max())
    interior = _grid(shape, 1)
    interior = interior[(interior.min(axis=1) >= 8) & (interior[:, 0] < 32) & (interior[:, 1] < 40)]
    texture = ref.smallest_eigenvalues(scene, 7)[interior[:, 0], interior[:, 1]]
    points = interior[np.argsort(-texture, kind="stable")[:16]]
    cv_flow, found = ref.cv_lucas_kanade(prev, next, points, 7)
    assert found.all() and np.abs(cv_flow - shift).max() < 0.05, "grader setup: OpenCV misses the shift"
    out = submission.call("lucas_kanade", prev, next, points, window=7)
    assert_close(out, np.broadcast_to(np.asarray(shift), (16, 2)).copy(), tol=Tolerance(0.0, 0.05),
                 name=f"flow of a scene moved by {shift}")


@pytest.mark.points(0.5)
def test_lucas_kanade_default_window_is_5(submission):
    shape = (30, 30)
    prev, next = _blobs(shape, 77, widths=(2.0, 4.0)), _blobs(shape, 77, (0.2, 0.2), widths=(2.0, 4.0))
    points = _grid(shape, 5)
    out = submission.call("lucas_kanade", prev, next, points)
    flow, condition = ref.lucas_kanade(prev, next, points, 5)
    assert_close(out, flow, tol=_lk_tolerance(flow, condition), name="flow with the default window")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("prev_shape,next_shape,points,window,word", [
    ((8, 8), (8, 9), [[1, 1]], 5, "prev|next"), ((8,), (8,), [[1, 1]], 5, "prev"),
    ((8, 8), (8, 8), [[1, 1]], 4, "window"), ((8, 8), (8, 8), [[1, 1]], 0, "window"),
    ((8, 8), (8, 8), [[1, 1, 1]], 5, "points"), ((8, 8), (8, 8), [[8, 1]], 5, "points"),
    ((8, 8), (8, 8), [[1, -1]], 5, "points"), ((8, 8), (8, 8), [[1.5, 1.0]], 5, "points"),
])
def test_lucas_kanade_rejects_bad_input(submission, prev_shape, next_shape, points, window, word):
    _raises(submission, "lucas_kanade", word, np.ones(prev_shape), np.ones(next_shape), np.array(points),
            window=window)


# -- flow_to_hsv ---------------------------------------------------------------------------

def _untied_flow(flow, max_magnitudes=()):
    """`flow`, after checking that no hue or value (for each max_magnitude, and the default) is within 1e-6 of a
    rounding tie: there np.rint and a round-half-up, or two orders of operations, may honestly differ by 1."""
    magnitude = np.hypot(flow[..., 0], flow[..., 1])
    half_angle = np.degrees(np.arctan2(flow[..., 1], flow[..., 0])) % 360 / 2
    values = [255 * np.minimum(magnitude / top, 1) for top in (magnitude.max(), *max_magnitudes)]
    for x in (half_angle, *values):
        assert np.abs(x % 1 - 0.5).min() > 1e-6, "grader input has a rounding tie"
    return flow


def _flow(shape, seed, max_magnitudes=()):
    """Flow vectors with standard deviation 2 per component, from the seed, without rounding ties."""
    return _untied_flow(2.0 * np_rng(seed).standard_normal(shape + (2,)), max_magnitudes)


def _check_hsv(submission, flow, max_magnitude, name, arguments):
    """flow_to_hsv(flow, **arguments) against the reference with `max_magnitude`."""
    out = submission.call("flow_to_hsv", flow, **arguments)
    assert_equal(out, ref.flow_to_hsv(flow, max_magnitude), name=name, image="HWC")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed", [80, 81])
def test_flow_to_hsv_matches_reference(submission, seed):
    _check_hsv(submission, _flow((24, 31), seed), None, "HSV of a flow", {})


@pytest.mark.points(1)
@pytest.mark.parametrize("max_magnitude", [2.0, 50.0])
def test_flow_to_hsv_with_max_magnitude(submission, max_magnitude):
    # 2.0: about half of the magnitudes are larger, so their value is clipped to 255.
    flow = _flow((20, 22), 82, (max_magnitude,))
    _check_hsv(submission, flow, max_magnitude, f"HSV with max_magnitude={max_magnitude}",
               {"max_magnitude": max_magnitude})


@pytest.mark.points(0.5)
def test_flow_to_hsv_of_a_zero_flow(submission):
    _check_hsv(submission, np.zeros((6, 9, 2)), None, "HSV of a zero flow", {})


@pytest.mark.points(0.5)
def test_flow_to_hsv_wraps_hue_at_360_degrees(submission):
    # Angles in (350°, 360°): half of them round to hue 180, which is hue 0.
    rng = np_rng(83)
    angle = np.radians(rng.uniform(350.0, 360.0, (10, 12)))
    flow = _untied_flow(np.stack([np.cos(angle), np.sin(angle)], -1) * rng.uniform(0.5, 2.0, (10, 12, 1)))
    _check_hsv(submission, flow, None, "HSV of angles close to 360°", {})


@pytest.mark.points(1)
def test_flow_to_hsv_hue_is_within_one_of_opencv(submission):
    # Spec cross-check, on the 8 compass directions (diagonals are exact rounding ties) and random vectors.
    # Lengths 2 and 0.7 (and random) keep the value 255 · |flow| / max away from rounding ties.
    directions = np.array([[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]], dtype=np.float64)
    flow = np.concatenate([directions * 2.0, directions * 0.7, np_rng(84).standard_normal((8, 2))]).reshape(4, 6, 2)
    out = submission.call("flow_to_hsv", flow)
    assert type(out) is np.ndarray and out.shape == (4, 6, 3) and out.dtype == np.uint8, "expected uint8 (4, 6, 3)"
    hue_off = (out[..., 0].astype(np.int64) - ref.cv_hue(flow) + 90) % 180 - 90
    assert np.abs(hue_off).max() <= 1, f"hue up to {np.abs(hue_off).max()} away from cv2.cartToPolar's angle / 2"
    want = ref.flow_to_hsv(flow)
    assert_equal(out[..., 1:], want[..., 1:], name="saturation and value", image="HWC")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("shape,max_magnitude,word", [((5, 6), None, "flow"), ((5, 6, 3), None, "flow"),
                                                      ((5, 6, 2), 0.0, "max_magnitude"),
                                                      ((5, 6, 2), -1.0, "max_magnitude"),
                                                      ((5, 6, 2), float("inf"), "max_magnitude")])
def test_flow_to_hsv_rejects_bad_input(submission, shape, max_magnitude, word):
    _raises(submission, "flow_to_hsv", word, np.ones(shape), max_magnitude=max_magnitude)


# -- warp_image ----------------------------------------------------------------------------

def _check_warp(submission, image, flow, name):
    out = submission.call("warp_image", image, flow)
    assert_close(out, ref.warp_image(image, flow), tol=WARP, name=name, image="HW")


@pytest.mark.points(1)
@pytest.mark.parametrize("name,scale,seed", [("camera", 3.0, 90), ("coins", 1.0, 91), ("astronaut", 6.0, 92)])
def test_warp_image_matches_map_coordinates(submission, name, scale, seed):
    # Random flows: non-integer positions, many of them outside the image (clamped).
    image = sample_image(name, (30, 41))
    _check_warp(submission, image, scale * np_rng(seed).standard_normal((30, 41, 2)), f"{name} warped")


@pytest.mark.points(1)
def test_warp_image_of_a_smooth_flow(submission):
    # A rotation by 8° about the centre of a float image, and different dx and dy everywhere.
    image = _smooth((28, 36), 93, sigma=2.0, scale=100.0)
    rows, cols = np.indices(image.shape, dtype=np.float64)
    y, x = rows - 13.5, cols - 17.5
    c, s = np.cos(np.radians(8.0)), np.sin(np.radians(8.0))
    flow = np.stack([c * x - s * y - x, s * x + c * y - y], -1)
    _check_warp(submission, image, flow, "rotated image")


@pytest.mark.points(1)
@pytest.mark.parametrize("shift", [(40.0, -7.5), (-3.25, 50.0)])
def test_warp_image_clamps_outside_positions(submission, shift):
    # Reads far outside on one axis: every pixel there replicates the edge.
    image = sample_image("coins", (20, 26))
    _check_warp(submission, image, np.broadcast_to(shift, (20, 26, 2)).copy(), f"image shifted by {shift}")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("image_shape,flow_shape,word", [((12,), (12, 2), "image"), ((6, 8), (6, 8), "flow"),
                                                         ((6, 8), (8, 6, 2), "flow"), ((6, 8), (6, 8, 3), "flow")])
def test_warp_image_rejects_bad_input(submission, image_shape, flow_shape, word):
    _raises(submission, "warp_image", word, np.ones(image_shape), np.zeros(flow_shape))
