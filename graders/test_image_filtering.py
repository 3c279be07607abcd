"""Hidden graders for `image_filtering` (spec §1), against OpenCV in float64.

Every case draws its inputs from `np_rng(seed)` with the seed in the test id, in a
fixed order (image, then kernel), so a failing case can be replayed by hand.
Images come in three kinds: uint8 in [0, 255], float32 in [0, 1) and float64
with standard deviation 50 (negative values included). Kernels are standard
normal, so they are neither symmetric nor separable: a flip, a transpose or a
swapped axis changes the result. Sizes mix odd and even, square and not.
"""

import numpy as np
import pytest

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import np_rng, sample_image
from cvgrade.tolerances import Tolerance
from reference import image_filtering as ref

TOPIC = "image_filtering"
DENY_IMPORTS = ["cv2"]  # graded against OpenCV: an isolated submission cannot import it at all
_FILTER2D = ["cv2.filter2D", "cv2.sepFilter2D"]
_MORPHOLOGY = ["cv2.erode", "cv2.dilate", "cv2.morphologyEx"]
REFERENCE_CALLS = {
    "gaussian_kernel": ["cv2.getGaussianKernel"],
    "correlate2d": _FILTER2D,
    "convolve2d": _FILTER2D,
    "sobel_kernels": ["cv2.getDerivKernels"],
    "sobel_gradients": ["cv2.Sobel", "cv2.Scharr", "cv2.spatialGradient", *_FILTER2D],
    "gradient_magnitude": ["cv2.magnitude", "cv2.cartToPolar"],
    "erode": _MORPHOLOGY,
    "dilate": _MORPHOLOGY,
    "opening": _MORPHOLOGY,
    "closing": _MORPHOLOGY,
    "equalize_histogram": ["cv2.equalizeHist", "cv2.calcHist"],
}

# Filter outputs are sums of up to 81 products of size <= 255 · 4. Any summation order
# (a loop, einsum, an FFT) stays within ~1e-11 of OpenCV in float64; the mistakes that
# matter (a flip, a border, a lost row) change outputs by whole units.
FILTER = Tolerance(rtol=1e-9, atol=1e-9)
# Spec: Sobel gradients are exact up to 1e-9 (they are integers for uint8 images).
SOBEL = Tolerance(rtol=0.0, atol=1e-9)


def _image(shape, kind, rng):
    """A test image of `kind` "uint8", "float32" or "float64" (see module docstring)."""
    if kind == "uint8":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == "float32":
        return rng.random(shape, dtype=np.float32)
    return 50.0 * rng.standard_normal(shape)


def _blobs(shape, seed, fraction):
    """A bool mask of smooth blobs covering about `fraction` of the image, with 2% of pixels flipped.

    The blobs give morphology something to keep; the flipped pixels are the specks
    and holes that opening and closing remove. Blobs touch the image border.
    """
    rng = np_rng(seed)
    field = ref.correlate2d(rng.random(shape), ref.gaussian_kernel(7, 2.0))
    mask = field > np.quantile(field, 1.0 - fraction)
    return mask ^ (rng.random(shape) < 0.02)


def _raises(submission, name, word, *args, **kwargs):
    """The call must raise ValueError whose message names `word` (the offending parameter)."""
    with pytest.raises(ValueError, match=f"(?i){word}"):
        submission.call(name, *args, **kwargs)


# -- gaussian_kernel ---------------------------------------------------------------------

@pytest.mark.points(0.5)
@pytest.mark.parametrize("size,sigma", [(1, 1.0), (3, 0.5), (5, 1.0), (7, 2.5), (9, 0.8), (15, 4.0)])
def test_gaussian_kernel_matches_opencv(submission, size, sigma):
    k = submission.call("gaussian_kernel", size, sigma)
    assert_close(k, ref.gaussian_kernel(size, sigma), name=f"gaussian_kernel({size}, {sigma})")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("size,sigma,word", [(4, 1.0, "size"), (0, 1.0, "size"), (-3, 1.0, "size"),
                                             (5, 0.0, "sigma"), (5, -1.0, "sigma")])
def test_gaussian_kernel_rejects_bad_parameters(submission, size, sigma, word):
    _raises(submission, "gaussian_kernel", word, size, sigma)


# -- correlate2d -------------------------------------------------------------------------

CORRELATE_CASES = [  # (image shape, kernel shape, image kind, border, seed)
    ((16, 16), (3, 3), "uint8", "reflect101", 0),
    ((17, 23), (5, 5), "float64", "reflect101", 1),
    ((20, 13), (3, 5), "float32", "constant", 2),
    ((9, 12), (7, 3), "uint8", "constant", 3),
    ((31, 32), (9, 9), "float64", "constant", 4),
    ((8, 11), (5, 7), "uint8", "reflect101", 5),
    ((12, 12), (1, 5), "float32", "reflect101", 6),
    ((15, 10), (9, 3), "float64", "reflect101", 7),
]


@pytest.mark.points(1)
@pytest.mark.parametrize("shape,kshape,kind,border,seed", CORRELATE_CASES)
def test_correlate2d_matches_opencv(submission, shape, kshape, kind, border, seed):
    rng = np_rng(seed)
    image, kernel = _image(shape, kind, rng), rng.standard_normal(kshape)
    out = submission.call("correlate2d", image, kernel, border=border)
    assert_close(out, ref.correlate2d(image, kernel, border), tol=FILTER, name="correlate2d", image="HW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("shape,kshape,border,seed", [((3, 2), (7, 5), "reflect101", 10),
                                                      ((2, 2), (5, 5), "reflect101", 11),
                                                      ((4, 3), (9, 7), "constant", 12)])
def test_correlate2d_image_smaller_than_kernel(submission, shape, kshape, border, seed):
    # reflect101 keeps reflecting (…cb|abc|ba…) as far as the kernel reaches, as OpenCV does.
    rng = np_rng(seed)
    image, kernel = _image(shape, "uint8", rng), rng.standard_normal(kshape)
    out = submission.call("correlate2d", image, kernel, border=border)
    assert_close(out, ref.correlate2d(image, kernel, border), tol=FILTER, name="correlate2d", image="HW")


@pytest.mark.points(1)
def test_correlate2d_default_border_is_reflect101(submission):
    rng = np_rng(20)
    image, kernel = _image((11, 14), "uint8", rng), rng.standard_normal((5, 3))
    out = submission.call("correlate2d", image, kernel)
    assert_close(out, ref.correlate2d(image, kernel, "reflect101"), tol=FILTER, name="correlate2d", image="HW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name,size", [("camera", (48, 64)), ("coins", (61, 47))])
def test_correlate2d_blurs_a_real_image(submission, name, size):
    image, kernel = sample_image(name, size), ref.gaussian_kernel(5, 1.2)
    out = submission.call("correlate2d", image, kernel)
    assert_close(out, ref.correlate2d(image, kernel), tol=FILTER, name=f"{name} blurred", image="HW")


BAD_FILTER_ARGS = [  # (image shape, kernel shape, border, word the message must name)
    ((8, 8), (4, 4), "reflect101", "kernel"),
    ((8, 8), (3, 4), "constant", "kernel"),
    ((8, 8), (3,), "reflect101", "kernel"),
    ((8, 8), (3, 3), "reflect", "border"),
    ((8, 8), (3, 3), "zeros", "border"),
    ((8,), (3, 3), "reflect101", "image"),
    ((8, 8, 3), (3, 3), "reflect101", "image"),
]


@pytest.mark.points(0.25)
@pytest.mark.parametrize("name", ["correlate2d", "convolve2d"])
@pytest.mark.parametrize("shape,kshape,border,word", BAD_FILTER_ARGS)
def test_filters_reject_bad_input(submission, name, shape, kshape, border, word):
    _raises(submission, name, word, np.zeros(shape), np.ones(kshape), border=border)


# -- convolve2d --------------------------------------------------------------------------

@pytest.mark.points(0.75)
@pytest.mark.parametrize("shape,kshape,kind,border,seed", [((16, 16), (3, 3), "uint8", "reflect101", 30),
                                                          ((13, 18), (5, 3), "float64", "constant", 31),
                                                          ((10, 9), (3, 7), "float32", "reflect101", 32),
                                                          ((3, 4), (7, 5), "uint8", "reflect101", 33)])
def test_convolve2d_matches_opencv(submission, shape, kshape, kind, border, seed):
    rng = np_rng(seed)
    image, kernel = _image(shape, kind, rng), rng.standard_normal(kshape)
    out = submission.call("convolve2d", image, kernel, border=border)
    assert_close(out, ref.convolve2d(image, kernel, border), tol=FILTER, name="convolve2d", image="HW")


# -- Sobel -------------------------------------------------------------------------------

@pytest.mark.points(1)
def test_sobel_kernels(submission):
    gx = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float64)
    assert_equal(submission.call("sobel_kernels"), (gx, gx.T.copy()), name="(Gx, Gy)")


@pytest.mark.points(0.75)
@pytest.mark.parametrize("shape,kind,seed", [((16, 16), "uint8", 40), ((15, 22), "uint8", 41), ((13, 8), "float32", 42),
                                             ((20, 21), "float64", 43), ((2, 3), "uint8", 44)])
def test_sobel_gradients_match_opencv(submission, shape, kind, seed):
    image = _image(shape, kind, np_rng(seed))
    assert_close(submission.call("sobel_gradients", image), ref.sobel_gradients(image), tol=SOBEL, name="(gx, gy)", image="HW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name,size", [("camera", (64, 64)), ("coins", (48, 63))])
def test_sobel_gradients_of_a_real_image(submission, name, size):
    image = sample_image(name, size)
    assert_close(submission.call("sobel_gradients", image), ref.sobel_gradients(image), tol=SOBEL, name="(gx, gy)", image="HW")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("shape", [(9,), (6, 7, 3)])
def test_sobel_gradients_reject_non_2d_images(submission, shape):
    _raises(submission, "sobel_gradients", "image", np.zeros(shape))


# -- gradient_magnitude ------------------------------------------------------------------

@pytest.mark.points(0.5)
@pytest.mark.parametrize("norm", ["l2", "l1"])
@pytest.mark.parametrize("shape,seed", [((16, 16), 50), ((9, 14), 51)])
def test_gradient_magnitude_matches_reference(submission, norm, shape, seed):
    rng = np_rng(seed)
    gx, gy = 100.0 * rng.standard_normal(shape), 100.0 * rng.standard_normal(shape)
    out = submission.call("gradient_magnitude", gx, gy, norm=norm)
    assert_close(out, ref.gradient_magnitude(gx, gy, norm), name=f"{norm} magnitude", image="HW")


@pytest.mark.points(0.5)
def test_gradient_magnitude_default_norm_is_l2(submission):
    rng = np_rng(52)
    gx, gy = rng.standard_normal((7, 10)), rng.standard_normal((7, 10))
    assert_close(submission.call("gradient_magnitude", gx, gy), ref.gradient_magnitude(gx, gy, "l2"), name="magnitude", image="HW")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("gy_shape,norm,word", [((5, 6), "max", "norm"), ((5, 7), "l2", "gx|gy")])
def test_gradient_magnitude_rejects_bad_input(submission, gy_shape, norm, word):
    _raises(submission, "gradient_magnitude", word, np.ones((5, 6)), np.ones(gy_shape), norm=norm)


# -- morphology --------------------------------------------------------------------------

MORPHOLOGY_CASES = [  # (mask shape, element size, seed)
    ((16, 16), 3, 60), ((15, 22), 5, 61), ((9, 7), 3, 62), ((20, 13), 7, 63), ((4, 5), 9, 64), ((12, 10), 1, 65),
]
BAD_MORPHOLOGY_ARGS = [((8, 8), 2, "size"), ((8, 8), 4, "size"), ((8, 8), 0, "size"),
                       ((8,), 3, "mask"), ((8, 8, 2), 3, "mask")]


@pytest.mark.points(0.75)
@pytest.mark.parametrize("shape,size,seed", MORPHOLOGY_CASES)
def test_erode_matches_opencv(submission, shape, size, seed):
    mask = _blobs(shape, seed, fraction=0.7)
    assert_equal(submission.call("erode", mask, size), ref.erode(mask, size), name=f"erode(mask, {size})", image="HW")


@pytest.mark.points(0.75)
@pytest.mark.parametrize("shape,size,seed", MORPHOLOGY_CASES)
def test_dilate_matches_opencv(submission, shape, size, seed):
    mask = _blobs(shape, seed, fraction=0.3)
    assert_equal(submission.call("dilate", mask, size), ref.dilate(mask, size), name=f"dilate(mask, {size})", image="HW")


@pytest.mark.points(0.5)
def test_erode_keeps_an_all_true_mask(submission):
    # The outside of the image never erodes, so nothing inside has a False neighbour.
    mask = np.ones((5, 6), dtype=bool)
    assert_equal(submission.call("erode", mask, 3), mask, name="erode(all True, 3)", image="HW")


@pytest.mark.points(0.5)
def test_dilate_keeps_an_all_false_mask(submission):
    # The outside of the image never dilates, so nothing inside has a True neighbour.
    mask = np.zeros((5, 6), dtype=bool)
    assert_equal(submission.call("dilate", mask, 3), mask, name="dilate(all False, 3)", image="HW")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", ["erode", "dilate"])
def test_morphology_of_a_real_image(submission, name):
    mask = sample_image("coins", (60, 77)) > 110  # coins on a darker background
    assert_equal(submission.call(name, mask, 3), getattr(ref, name)(mask, 3), name=f"{name}(coins mask, 3)", image="HW")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("name", ["erode", "dilate"])
@pytest.mark.parametrize("shape,size,word", BAD_MORPHOLOGY_ARGS)
def test_erode_dilate_reject_bad_input(submission, name, shape, size, word):
    _raises(submission, name, word, np.zeros(shape, dtype=bool), size)


@pytest.mark.points(0.75)
@pytest.mark.parametrize("name", ["opening", "closing"])
@pytest.mark.parametrize("shape,size,seed", [((16, 16), 3, 70), ((21, 14), 5, 71), ((11, 9), 3, 72),
                                             ((25, 30), 3, 73)])
def test_opening_closing_match_opencv(submission, name, shape, size, seed):
    mask = _blobs(shape, seed, fraction=0.5)
    assert_equal(submission.call(name, mask, size), getattr(ref, name)(mask, size), name=f"{name}(mask, {size})", image="HW")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("name", ["opening", "closing"])
@pytest.mark.parametrize("size", [2, 4])
def test_opening_closing_reject_even_sizes(submission, name, size):
    _raises(submission, name, "size", np.zeros((8, 8), dtype=bool), size)


# -- equalize_histogram ------------------------------------------------------------------

def _check_equalized(out, image, name):
    """Exactly the floor formula, and (a cross-check of the formula) within ±1 of cv2.equalizeHist."""
    assert_equal(out, ref.equalize_histogram(image), name=name, image="HW")
    off = np.abs(out.astype(np.int64) - ref.cv_equalize_hist(image).astype(np.int64)).max()
    assert off <= 1, f"{name}: up to {off} grey levels away from cv2.equalizeHist, which differs by rounding only"


EQUALIZE_CASES = [  # (shape, the pixel values are low + (high - low) · u^power for uniform u, seed)
    ((16, 16), 0, 256, 1.0, 80),
    ((15, 22), 100, 140, 1.0, 81),
    ((31, 8), 0, 16, 1.0, 82),
    ((7, 9), 200, 256, 1.0, 83),
    ((64, 48), 0, 256, 3.0, 84),   # dark, skewed: many levels land between two integers
]


@pytest.mark.points(1)
@pytest.mark.parametrize("shape,low,high,power,seed", EQUALIZE_CASES)
def test_equalize_histogram_matches_floor_formula(submission, shape, low, high, power, seed):
    u = np_rng(seed).random(shape)
    image = (low + (high - low) * u ** power).astype(np.uint8)
    _check_equalized(submission.call("equalize_histogram", image), image, "equalize_histogram")


@pytest.mark.points(1)
@pytest.mark.parametrize("name", ["camera", "coins"])
def test_equalize_histogram_of_a_real_image(submission, name):
    image = sample_image(name)
    _check_equalized(submission.call("equalize_histogram", image), image, f"equalized {name}")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("value", [0, 128, 255])
def test_equalize_histogram_keeps_a_constant_image(submission, value):
    image = np.full((6, 9), value, dtype=np.uint8)
    assert_equal(submission.call("equalize_histogram", image), image, name=f"equalized constant {value}", image="HW")


@pytest.mark.points(0.25)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint16, np.int64])
def test_equalize_histogram_rejects_non_uint8(submission, dtype):
    _raises(submission, "equalize_histogram", "image", np.arange(12, dtype=dtype).reshape(3, 4))
