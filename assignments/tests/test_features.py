"""Public tests for features.py: small examples you can check by hand.

Run with `pytest tests/test_features.py`.
"""

import numpy as np
import pytest

import features as f

# An 8×8 image, 0 everywhere but for a bright 4×4 square in its bottom-right corner: one corner at (4, 4).
SQUARE = np.zeros((8, 8), dtype=np.uint8)
SQUARE[4:, 4:] = 100


def test_harris_response_is_positive_at_a_corner_negative_on_edges_zero_when_flat():
    r = f.harris_response(SQUARE)
    assert r.shape == (8, 8) and r.dtype == np.float64, f"expected an (8, 8) float64 response, got {r.shape} {r.dtype}"
    top, left = np.unravel_index(np.argmax(r), r.shape)
    assert abs(top - 3.5) <= 0.5 and abs(left - 3.5) <= 0.5, f"the strongest response should touch (4, 4), got ({top}, {left})"
    assert r[3:5, 3:5].min() > 0, f"R should be > 0 around the corner, got\n{r[2:6, 2:6]}"
    assert r[6, 3] < 0 and r[3, 6] < 0, "along an edge one eigenvalue is ~0, so R = det - k·trace² < 0"
    assert r[0, 0] == 0, f"a flat area has no gradient, R should be exactly 0, got {r[0, 0]}"


def test_harris_response_scales_sobel_by_4_block_size():
    # A vertical step of 8 between columns 3 and 4. Sobel gives gx = 4·8 = 32 on both columns, so
    # Ix = 32 / (4·3) there and 0 elsewhere; Iy = 0. At (4, 3) the 3×3 window sums Ix² over columns 2-4:
    # Sxx = 3 rows · 2 columns · (32/12)², Sxy = Syy = 0, so R = -k·Sxx².
    image = np.zeros((8, 8))
    image[:, 4:] = 8
    r = f.harris_response(image, block_size=3, k=0.04)
    sxx = 6 * (32 / 12) ** 2
    assert np.isclose(r[4, 3], -0.04 * sxx ** 2), f"R[4, 3] should be -k·Sxx² = {-0.04 * sxx ** 2:.4f}, got {r[4, 3]:.4f}"


@pytest.mark.parametrize("block_size,k", [(0, 0.04), (2.5, 0.04), (3, float("nan"))])
def test_harris_response_rejects_bad_parameters(block_size, k):
    with pytest.raises(ValueError):
        f.harris_response(SQUARE, block_size=block_size, k=k)


RESPONSE = np.array([[0.0, 0.1, 0.0, 0.0, 0.0, 0.0],
                     [0.1, 0.9, 0.1, 0.0, 0.5, 0.0],
                     [0.0, 0.1, 0.0, 0.0, 0.0, 0.0],
                     [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                     [0.0, 0.0, 0.0, 0.0, 0.0, 0.005]])


def test_detect_corners_strongest_first_above_the_threshold():
    corners = f.detect_corners(RESPONSE, threshold_rel=0.01, min_distance=1)
    assert corners.dtype == np.int64 and corners.shape == (2, 2), \
        f"expected a (2, 2) int64 array, got {corners.dtype} {corners.shape}"
    # 0.005 at (4, 5) is a local maximum but not above 0.01 · 0.9.
    assert corners.tolist() == [[1, 1], [1, 4]], f"expected [[1, 1], [1, 4]] (0.9 before 0.5), got {corners.tolist()}"


def test_detect_corners_min_distance_widens_the_neighbourhood():
    # With min_distance=3 the square around (1, 4) reaches column 1 and row 4: 0.9 is larger, so 0.5 is no peak.
    corners = f.detect_corners(RESPONSE, threshold_rel=0.0, min_distance=3)
    assert corners.tolist() == [[1, 1]], f"expected only [[1, 1]], got {corners.tolist()}"


def test_detect_corners_of_a_constant_response_is_empty():
    corners = f.detect_corners(np.ones((4, 4)))
    assert corners.shape == (0, 2), f"a constant response has no corners, got {corners.tolist()}"


IMAGE = np.arange(16, dtype=np.uint8).reshape(4, 4)  # value = 4·row + col


def test_brief_descriptors_compare_pixel_pairs_and_drop_keypoints_near_the_edge():
    pairs = np.array([[0, 0, 0, 1],     # I[r, c] < I[r, c+1]: True here
                      [1, 0, 0, 0],     # I[r+1, c] < I[r, c]: False
                      [-1, -1, 1, 1]])  # I[r-1, c-1] < I[r+1, c+1]: True
    keypoints = np.array([[1, 1], [0, 1], [2, 2], [2, 3]])
    bits, kept = f.brief_descriptors(IMAGE, keypoints, pairs)
    assert kept.tolist() == [True, False, True, False], (
        f"(0, 1) reads row -1 and (2, 3) column 4, outside the 4×4 image; got kept = {kept.tolist()}")
    assert bits.dtype == bool and bits.tolist() == [[True, False, True]] * 2, f"got bits\n{bits}"


def test_pack_bits_most_significant_bit_first():
    bits = np.array([[1, 0, 0, 0, 0, 0, 0, 1, 1]], dtype=bool)
    packed = f.pack_bits(bits)
    # 1000 0001 → 129; the ninth bit starts a second byte, padded with zeros: 1000 0000 → 128.
    assert packed.dtype == np.uint8 and packed.tolist() == [[129, 128]], f"expected [[129, 128]] uint8, got {packed.tolist()}"


def test_hamming_distance_counts_differing_bits():
    a = np.array([[0b00000000, 0b11111111], [0b10101010, 0b00000001]], dtype=np.uint8)
    b = np.array([[0b00000000, 0b11111110], [0b01010101, 0b00000001]], dtype=np.uint8)
    d = f.hamming_distance(a, b)
    # a[0] vs b[1]: 0x00 ^ 0x55 has 4 bits set, 0xFF ^ 0x01 has 7: 11. a[1] vs b[0]: 4 + 8 = 12. a[1] vs b[1]: 8 + 0.
    assert d.dtype == np.int64 and d.tolist() == [[1, 11], [12, 8]], f"expected [[1, 11], [12, 8]] int64, got {d.tolist()}"


def test_hamming_distance_rejects_different_widths():
    with pytest.raises(ValueError):
        f.hamming_distance(np.zeros((2, 3), np.uint8), np.zeros((2, 4), np.uint8))


D1 = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
D2 = np.array([[0.0, 1.0], [10.0, 1.0], [1.0, 0.5], [20.0, 20.0]])


def test_match_descriptors_mutual_nearest_neighbours():
    # d1[0]'s nearest is d2[0] (1.0; d2[2] is 1.118 away); d1[1]'s is d2[1] (1.0);
    # d1[2]'s nearest is d2[0] too (9.0), but d2[0] prefers d1[0]: not mutual, dropped.
    matches = f.match_descriptors(D1, D2)
    assert matches.dtype == np.int64 and matches.tolist() == [[0, 0], [1, 1]], f"got {matches.tolist()}"
    assert f.match_descriptors(D1, D2, cross_check=False).tolist() == [[0, 0], [1, 1], [2, 0]]


def test_match_descriptors_ratio_test():
    # d1[0]: best 1.0 (d2[0]), second 1.118 (d2[2]): ratio 0.89. d1[1]: best 1.0, second 9.01: ratio 0.11.
    assert f.match_descriptors(D1, D2, max_ratio=0.8).tolist() == [[1, 1]]
    assert f.match_descriptors(D1, D2, max_ratio=0.95).tolist() == [[0, 0], [1, 1]]


def test_match_descriptors_hamming_is_a_fraction_of_bits():
    d1 = np.array([[1, 1, 0, 0]], dtype=bool)
    d2 = np.array([[1, 1, 1, 1], [1, 0, 0, 0]], dtype=bool)
    # d2[0] differs in 2 of the 4 bits (distance 0.5), d2[1] in 1 (0.25): the nearest is d2[1].
    assert f.match_descriptors(d1, d2, metric="hamming").tolist() == [[0, 1]]


def _bowl(shape, centre):
    """((c - cx)² + (r - cy)²) / 2: central differences give exactly Ix = c - cx, Iy = r - cy."""
    rows, cols = np.indices(shape, dtype=np.float64)
    return ((cols - centre[0]) ** 2 + (rows - centre[1]) ** 2) / 2


def test_lucas_kanade_recovers_the_motion_of_a_bowl_at_its_centre():
    # next is the bowl moved by (dx, dy) = (0.5, -0.25). At the centre the window sums of x·y and x vanish,
    # so one Lucas–Kanade step recovers the motion exactly.
    prev, next = _bowl((11, 11), (5.0, 5.0)), _bowl((11, 11), (5.5, 4.75))
    flow = f.lucas_kanade(prev, next, np.array([[5, 5]]), window=5)
    assert flow.shape == (1, 2) and flow.dtype == np.float64, f"expected (1, 2) float64, got {flow.shape} {flow.dtype}"
    assert np.allclose(flow, [[0.5, -0.25]]), f"expected flow (dx, dy) = (0.5, -0.25), got {flow.tolist()}"


def test_lucas_kanade_is_nan_where_the_patch_is_flat():
    image = np.full((9, 9), 7.0)
    flow = f.lucas_kanade(image, image, np.array([[4, 4]]))
    assert np.isnan(flow).all(), f"a flat patch gives a singular matrix: expected NaN, got {flow.tolist()}"


def test_flow_to_hsv_directions_and_magnitudes():
    flow = np.array([[[1.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.0, -1.0]]])  # right, down, left, up
    hsv = f.flow_to_hsv(flow)
    assert hsv.dtype == np.uint8 and hsv.shape == (1, 4, 3), f"expected a (1, 4, 3) uint8 image, got {hsv.dtype} {hsv.shape}"
    assert hsv[0, :, 0].tolist() == [0, 45, 90, 135], \
        f"hue is the angle in degrees / 2: expected [0, 45, 90, 135], got {hsv[0, :, 0].tolist()}"
    assert (hsv[..., 1] == 255).all(), "saturation is always 255"
    # magnitudes 1, 2, 2, 1 of the largest 2: 255 · 0.5 = 127.5 rounds (half to even) to 128.
    assert hsv[0, :, 2].tolist() == [128, 255, 255, 128], f"got values {hsv[0, :, 2].tolist()}"


def test_flow_to_hsv_of_a_zero_flow_is_black():
    assert (f.flow_to_hsv(np.zeros((2, 3, 2)))[..., 2] == 0).all(), "an all-zero flow has value 0 everywhere"


def test_warp_image_by_one_pixel_replicates_the_edge():
    flow = np.zeros((4, 4, 2))
    flow[..., 0] = 1.0  # dx = 1: out[r, c] = image[r, c + 1]
    out = f.warp_image(IMAGE, flow)
    want = np.array([[1, 2, 3, 3], [5, 6, 7, 7], [9, 10, 11, 11], [13, 14, 15, 15]], dtype=np.float64)
    assert out.dtype == np.float64 and np.array_equal(out, want), f"expected\n{want}\ngot\n{out}"


def test_warp_image_interpolates_bilinearly():
    flow = np.full((4, 4, 2), 0.5)  # halfway between 4 pixels: their mean
    out = f.warp_image(IMAGE, flow)
    assert np.isclose(out[0, 0], (0 + 1 + 4 + 5) / 4), f"out[0, 0] should be the mean of 0, 1, 4, 5, got {out[0, 0]}"
