"""Trusted references for the `image_filtering` graders, built on OpenCV.

Graders call these in the grading process, never through the submission. Filters
run on float64 copies; morphology runs on uint8 copies (0/1) with a square
`np.ones((size, size))` element and OpenCV's default border, which never erodes
or dilates from outside the image. `equalize_histogram` is the spec's floor
formula in exact integer arithmetic; `cv_equalize_hist` is OpenCV's rounding
variant for the ±1 cross-check.
"""

import cv2
import numpy as np

BORDER_TYPES = {"reflect101": cv2.BORDER_REFLECT_101, "constant": cv2.BORDER_CONSTANT}


def gaussian_kernel(size, sigma):
    """Outer product of OpenCV's normalised 1-D Gaussian with itself."""
    g = cv2.getGaussianKernel(size, sigma, ktype=cv2.CV_64F)
    return np.outer(g, g)


def correlate2d(image, kernel, border="reflect101"):
    """cv2.filter2D (a correlation, anchor at the kernel centre) on float64, zeros outside for "constant"."""
    return cv2.filter2D(np.asarray(image, np.float64), cv2.CV_64F, np.asarray(kernel, np.float64),
                        borderType=BORDER_TYPES[border])


def convolve2d(image, kernel, border="reflect101"):
    """cv2.filter2D with the kernel flipped in both axes (an odd kernel keeps its centre as anchor)."""
    return correlate2d(image, np.ascontiguousarray(np.asarray(kernel)[::-1, ::-1]), border)


def sobel_gradients(image):
    """(cv2.Sobel dx=1, cv2.Sobel dy=1), 3×3, float64 output, default border (reflect101)."""
    image = np.asarray(image)
    return (cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3),
            cv2.Sobel(image, cv2.CV_64F, 0, 1, ksize=3))


def gradient_magnitude(gx, gy, norm="l2"):
    """cv2.magnitude on float64 for "l2"; |gx| + |gy| for "l1" (OpenCV has no per-pixel L1 magnitude)."""
    gx, gy = np.asarray(gx, np.float64), np.asarray(gy, np.float64)
    return cv2.magnitude(gx, gy) if norm == "l2" else np.abs(gx) + np.abs(gy)


def _morph(op, mask, size):
    return cv2.morphologyEx(np.asarray(mask, np.uint8), op, np.ones((size, size), np.uint8)).astype(bool)


def erode(mask, size):
    """cv2.erode with a size×size square of ones."""
    return cv2.erode(np.asarray(mask, np.uint8), np.ones((size, size), np.uint8)).astype(bool)


def dilate(mask, size):
    """cv2.dilate with a size×size square of ones."""
    return cv2.dilate(np.asarray(mask, np.uint8), np.ones((size, size), np.uint8)).astype(bool)


def opening(mask, size):
    """cv2.morphologyEx(MORPH_OPEN) with a size×size square of ones."""
    return _morph(cv2.MORPH_OPEN, mask, size)


def closing(mask, size):
    """cv2.morphologyEx(MORPH_CLOSE) with a size×size square of ones."""
    return _morph(cv2.MORPH_CLOSE, mask, size)


def equalize_histogram(image):
    """floor((CDF(r) - CDF_min) · 255 / (n - CDF_min)) per pixel, exact; a constant image unchanged.

    The CDF is counted from the sorted pixels (how many are <= r), independently of
    any histogram, and the floor is an integer division, so no rounding can creep in.
    """
    flat = np.sort(np.asarray(image, np.uint8).ravel())
    n = flat.size
    cdf = np.searchsorted(flat, np.arange(256), side="right").astype(np.int64)
    cdf_min = int(cdf[flat[0]])
    if cdf_min == n:
        return image.copy()
    level = np.maximum(cdf - cdf_min, 0) * 255 // (n - cdf_min)
    return level.astype(np.uint8)[image]


def cv_equalize_hist(image):
    """cv2.equalizeHist: the same mapping, rounded instead of floored."""
    return cv2.equalizeHist(np.asarray(image, np.uint8))
