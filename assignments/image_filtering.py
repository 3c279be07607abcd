"""Image filtering with NumPy (spec §1).

Linear filters (Gaussian kernels, correlation and convolution with OpenCV's
borders, Sobel gradients), binary morphology with square structuring elements,
and histogram equalization, written with NumPy only: OpenCV is the reference the
graders compare against, so no function here may call it.

Images are 2-D arrays (uint8 or float); filters return float64 arrays of the
image's shape. Bad input raises ValueError naming the parameter.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

BORDERS = ("reflect101", "constant")
NORMS = ("l1", "l2")


def _check_2d(name: str, array: np.ndarray) -> None:
    """ValueError unless `array` is a non-empty 2-D array."""
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array, got shape {array.shape}")


def _check_odd_size(name: str, size) -> None:
    """ValueError unless `size` is an odd int >= 1."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1 or size % 2 == 0:
        raise ValueError(f"{name} must be an odd int >= 1, got {size!r}")


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """Centred (size, size) float64 kernel ∝ exp(-(x² + y²) / (2σ²)) that sums to 1.

    `size` must be an odd int >= 1 and `sigma` a finite number > 0, else ValueError.
    """
    raise NotImplementedError("image_filtering.gaussian_kernel: not implemented yet")


def correlate2d(image: np.ndarray, kernel: np.ndarray, border: str = "reflect101") -> np.ndarray:
    """out[y, x] = Σ_ij kernel[i, j] · image[y + i - ry, x + j - rx] (kernel not flipped), float64, image's shape.

    `kernel` is 2-D with odd height and width (ry, rx its half sizes). `border` says what
    lies outside the image: "reflect101" mirrors it without repeating the edge pixel
    (dcb|abcd|cba, OpenCV's default) and "constant" is zeros. A non-2-D image or kernel,
    an even kernel side or another border: ValueError.
    """
    raise NotImplementedError("image_filtering.correlate2d: not implemented yet")


def convolve2d(image: np.ndarray, kernel: np.ndarray, border: str = "reflect101") -> np.ndarray:
    """True convolution: `correlate2d` with the kernel flipped in both axes (same borders and errors)."""
    raise NotImplementedError("image_filtering.convolve2d: not implemented yet")


def sobel_kernels() -> tuple[np.ndarray, np.ndarray]:
    """(Gx, Gy) as float64: Gx responds to intensity growing with x (rightwards), Gy with y (downwards)."""
    raise NotImplementedError("image_filtering.sobel_kernels: not implemented yet")


def sobel_gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gx, gy): the image correlated with the Sobel kernels, reflect101 border, float64. Non-2-D: ValueError."""
    raise NotImplementedError("image_filtering.sobel_gradients: not implemented yet")


def gradient_magnitude(gx: np.ndarray, gy: np.ndarray, norm: str = "l2") -> np.ndarray:
    """Per-pixel gradient length, float64: "l2" is sqrt(gx² + gy²), "l1" is |gx| + |gy|.

    `gx` and `gy` of different shapes, or another `norm`: ValueError.
    """
    raise NotImplementedError("image_filtering.gradient_magnitude: not implemented yet")


def erode(mask: np.ndarray, size: int) -> np.ndarray:
    """Binary erosion by a size×size square: a pixel stays True only if every pixel of the square
    centred on it that lies inside the image is True (the outside never erodes).

    `mask` is a 2-D array read as bool, `size` an odd int >= 1, else ValueError. Returns bool.
    """
    raise NotImplementedError("image_filtering.erode: not implemented yet")


def dilate(mask: np.ndarray, size: int) -> np.ndarray:
    """Binary dilation by a size×size square: a pixel becomes True if any pixel of the square
    centred on it that lies inside the image is True (the outside never dilates).

    `mask` is a 2-D array read as bool, `size` an odd int >= 1, else ValueError. Returns bool.
    """
    raise NotImplementedError("image_filtering.dilate: not implemented yet")


def opening(mask: np.ndarray, size: int) -> np.ndarray:
    """Erosion then dilation with the same square: removes True specks smaller than the square."""
    raise NotImplementedError("image_filtering.opening: not implemented yet")


def closing(mask: np.ndarray, size: int) -> np.ndarray:
    """Dilation then erosion with the same square: fills False holes smaller than the square."""
    raise NotImplementedError("image_filtering.closing: not implemented yet")


def equalize_histogram(image: np.ndarray) -> np.ndarray:
    """Histogram equalization of a 2-D uint8 image, uint8 out.

    Each level r maps to floor((CDF(r) - CDF_min) / (n - CDF_min) · 255), with CDF(r)
    the number of pixels <= r, CDF_min its smallest non-zero value and n the pixel
    count. A constant image is returned unchanged. Non-uint8 or non-2-D: ValueError.
    """
    raise NotImplementedError("image_filtering.equalize_histogram: not implemented yet")
