"""Public tests for image_filtering.py: small examples you can check by hand.

Run with `pytest tests/test_image_filtering.py`.
"""

import numpy as np
import pytest

import image_filtering as f

# A 3×4 image whose value tells where it comes from: 10·row + column.
IMAGE = np.array([[0, 1, 2, 3],
                  [10, 11, 12, 13],
                  [20, 21, 22, 23]], dtype=np.uint8)
# Correlating with this kernel reads the right-hand neighbour: out[y, x] = image[y, x + 1].
RIGHT_NEIGHBOUR = np.array([[0, 0, 0],
                            [0, 0, 1],
                            [0, 0, 0]], dtype=np.float64)


def test_gaussian_kernel_is_normalised_symmetric_and_peaked():
    k = f.gaussian_kernel(5, 1.0)
    assert k.shape == (5, 5) and k.dtype == np.float64, f"expected a (5, 5) float64 kernel, got {k.shape} {k.dtype}"
    assert abs(k.sum() - 1.0) < 1e-12, f"gaussian_kernel(5, 1.0) should sum to 1, got {k.sum()}"
    assert np.allclose(k, k.T) and np.allclose(k, k[::-1, ::-1]), "the kernel should be symmetric about its centre"
    assert k.argmax() == 12, "the largest weight belongs at the centre, k[2, 2]"
    # Each step away from the centre multiplies the weight by exp(-1/(2σ²)) per unit of x² + y².
    assert np.isclose(k[2, 3] / k[2, 2], np.exp(-0.5)), f"k[2, 3] / k[2, 2] should be exp(-1/2), got {k[2, 3] / k[2, 2]}"


def test_gaussian_kernel_of_size_one_is_one():
    assert np.array_equal(f.gaussian_kernel(1, 3.0), np.ones((1, 1))), "a 1×1 kernel that sums to 1 is [[1.0]]"


@pytest.mark.parametrize("size,sigma", [(4, 1.0), (0, 1.0), (3, 0.0), (3, -2.0)])
def test_gaussian_kernel_rejects_bad_parameters(size, sigma):
    with pytest.raises(ValueError):
        f.gaussian_kernel(size, sigma)


def test_correlate2d_with_a_delta_returns_the_image_as_float64():
    delta = np.zeros((3, 5))
    delta[1, 2] = 1.0
    out = f.correlate2d(IMAGE, delta)
    assert out.dtype == np.float64 and out.shape == IMAGE.shape, f"got {out.dtype} {out.shape}"
    assert np.array_equal(out, IMAGE), f"a centred delta kernel should return the image, got\n{out}"


def test_correlate2d_does_not_flip_and_reflects_without_repeating_the_edge():
    out = f.correlate2d(IMAGE, RIGHT_NEIGHBOUR, border="reflect101")
    # Inside, out[y, x] = image[y, x + 1]. Past the right edge reflect101 reads dcb|abcd|cba: column 4 is column 2.
    want = np.array([[1, 2, 3, 2], [11, 12, 13, 12], [21, 22, 23, 22]], dtype=np.float64)
    assert np.array_equal(out, want), f"expected\n{want}\ngot\n{out}"


def test_correlate2d_constant_border_reads_zeros():
    out = f.correlate2d(IMAGE, RIGHT_NEIGHBOUR, border="constant")
    want = np.array([[1, 2, 3, 0], [11, 12, 13, 0], [21, 22, 23, 0]], dtype=np.float64)
    assert np.array_equal(out, want), f"expected\n{want}\ngot\n{out}"


def test_convolve2d_flips_the_kernel():
    out = f.convolve2d(IMAGE, RIGHT_NEIGHBOUR, border="constant")
    # Flipped, the kernel reads the left-hand neighbour: out[y, x] = image[y, x - 1].
    want = np.array([[0, 0, 1, 2], [0, 10, 11, 12], [0, 20, 21, 22]], dtype=np.float64)
    assert np.array_equal(out, want), f"expected\n{want}\ngot\n{out}"


@pytest.mark.parametrize("kernel,border", [(np.ones((2, 2)), "reflect101"), (np.ones((3, 4)), "reflect101"),
                                           (np.ones((3, 3)), "wrap")])
def test_correlate2d_rejects_even_kernels_and_unknown_borders(kernel, border):
    with pytest.raises(ValueError):
        f.correlate2d(IMAGE, kernel, border=border)


def test_sobel_kernels():
    gx, gy = f.sobel_kernels()
    assert gx.dtype == np.float64 and gy.dtype == np.float64, "Sobel kernels should be float64"
    assert np.array_equal(gx, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), f"wrong Gx:\n{gx}"
    assert np.array_equal(gy, [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]), f"wrong Gy:\n{gy}"


def test_sobel_gradients_of_a_horizontal_ramp():
    ramp = np.tile(np.arange(5, dtype=np.float64), (4, 1))  # ramp[y, x] = x
    gx, gy = f.sobel_gradients(ramp)
    # Inside: (1 + 2 + 1) · (x+1 - (x-1)) = 8. At x = 0 and x = 4 reflect101 mirrors the ramp, so gx = 0 there.
    want_gx = np.tile([0.0, 8.0, 8.0, 8.0, 0.0], (4, 1))
    assert np.array_equal(gx, want_gx), f"expected gx\n{want_gx}\ngot\n{gx}"
    assert np.array_equal(gy, np.zeros((4, 5))), f"a ramp along x has no y gradient, got gy\n{gy}"


def test_gradient_magnitude_3_4_5():
    gx, gy = np.array([[3.0, -3.0]]), np.array([[4.0, -4.0]])
    assert np.allclose(f.gradient_magnitude(gx, gy), [[5.0, 5.0]]), "l2 (the default) of (3, 4) is 5"
    assert np.allclose(f.gradient_magnitude(gx, gy, norm="l1"), [[7.0, 7.0]]), "l1 of (3, 4) and (-3, -4) is 7"


SPECK = np.zeros((5, 5), dtype=bool)
SPECK[2, 2] = True


def test_erode_removes_a_speck_but_never_erodes_from_outside():
    assert not f.erode(SPECK, 3).any(), "a single True pixel does not survive a 3×3 erosion"
    full = np.ones((4, 6), dtype=bool)
    out = f.erode(full, 3)
    assert out.dtype == bool and out.all(), "an all-True mask stays all True: the outside of the image never erodes"


def test_dilate_grows_a_speck_into_a_square():
    out = f.dilate(SPECK, 3)
    want = np.zeros((5, 5), dtype=bool)
    want[1:4, 1:4] = True
    assert out.dtype == bool and np.array_equal(out, want), f"expected a 3×3 square, got\n{out.astype(int)}"


def test_opening_removes_specks_and_closing_fills_holes():
    mask = np.zeros((9, 9), dtype=bool)
    mask[2:7, 2:7] = True   # a 5×5 square survives opening with 3×3
    mask[0, 8] = True       # a speck does not
    want = np.zeros((9, 9), dtype=bool)
    want[2:7, 2:7] = True
    assert np.array_equal(f.opening(mask, 3), want), "opening should keep the square and drop the speck"
    holed = ~SPECK          # all True but one pixel
    assert f.closing(holed, 3).all(), "closing should fill a one-pixel hole"


@pytest.mark.parametrize("size", [2, 0])
def test_morphology_rejects_even_sizes(size):
    with pytest.raises(ValueError):
        f.erode(SPECK, size)


def test_equalize_histogram_of_a_two_level_image():
    image = np.array([[10, 10], [200, 200]], dtype=np.uint8)
    out = f.equalize_histogram(image)
    # CDF(10) = 2 = CDF_min, CDF(200) = 4 = n: level 10 maps to 0 and level 200 to 255.
    assert out.dtype == np.uint8, f"expected uint8, got {out.dtype}"
    assert np.array_equal(out, [[0, 0], [255, 255]]), f"got\n{out}"


def test_equalize_histogram_floors():
    image = np.array([[0, 1, 2]], dtype=np.uint8)
    # CDF = 1, 2, 3; CDF_min = 1, n = 3: levels 0, 255 · 1/2 = 127.5 → 127, 255.
    assert np.array_equal(f.equalize_histogram(image), [[0, 127, 255]]), "use floor, not round"


def test_equalize_histogram_keeps_a_constant_image_and_rejects_floats():
    image = np.full((3, 3), 42, dtype=np.uint8)
    assert np.array_equal(f.equalize_histogram(image), image), "a constant image is returned unchanged"
    with pytest.raises(ValueError):
        f.equalize_histogram(image.astype(np.float64))
