"""Trusted references for the `features` graders: OpenCV, scikit-image, SciPy.

Graders call these in the grading process, never through the submission.
`harris_response` is cv2.cornerHarris, which computes in float32 (its input is
cast to float32 as the spec says); `harris_scale` gives the size of the terms its
rounding errors are relative to. Peaks and matches are scikit-image's own
functions; Hamming distances come from cv2.norm pair by pair; warping is
scipy.ndimage.map_coordinates in float64. BRIEF tests, Lucas–Kanade and the HSV
mapping have no library call with the spec's exact semantics, so they are written
here plainly, one keypoint / point at a time (derivatives by cv2.filter2D),
independently of the solution, and cross-checked against OpenCV
(`cv_lucas_kanade`, `cv_hue`).
"""

import math

import cv2
import numpy as np
from scipy import ndimage
from skimage import feature

REFLECT101 = cv2.BORDER_REFLECT_101


def harris_response(image, block_size=3, k=0.04):
    """cv2.cornerHarris(image as float32, block_size, aperture 3, k), as float64."""
    return cv2.cornerHarris(np.asarray(image, np.float32), block_size, 3, k).astype(np.float64)


def harris_scale(image, block_size):
    """max over the image of (Sxx + Syy)² in float64: the size of the products R is a difference of."""
    image = np.asarray(image, np.float32).astype(np.float64)  # what cv2.cornerHarris sees
    scale = 1.0 / (4 * block_size)
    ix = cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3, scale=scale, borderType=REFLECT101)
    iy = cv2.Sobel(image, cv2.CV_64F, 0, 1, ksize=3, scale=scale, borderType=REFLECT101)
    trace = cv2.boxFilter(ix * ix + iy * iy, cv2.CV_64F, (block_size, block_size), normalize=False,
                          borderType=REFLECT101)
    return float((trace ** 2).max())


def detect_corners(response, threshold_rel=0.01, min_distance=1):
    """skimage.feature.peak_local_max(response, min_distance, threshold_rel, exclude_border=False), int64."""
    peaks = feature.peak_local_max(np.asarray(response, np.float64), min_distance=min_distance,
                                   threshold_rel=threshold_rel, exclude_border=False)
    return peaks.astype(np.int64).reshape(-1, 2)


def brief_descriptors(image, keypoints, pairs):
    """The binary tests keypoint by keypoint; a keypoint is dropped if any of its pixels falls outside."""
    image = np.asarray(image)
    height, width = image.shape
    rows, kept = [], []
    for r, c in np.asarray(keypoints, np.int64):
        pixels = [(r + dr, c + dc) for dr1, dc1, dr2, dc2 in pairs for dr, dc in ((dr1, dc1), (dr2, dc2))]
        inside = all(0 <= y < height and 0 <= x < width for y, x in pixels)
        kept.append(inside)
        if inside:
            rows.append([image[r + dr1, c + dc1] < image[r + dr2, c + dc2] for dr1, dc1, dr2, dc2 in pairs])
    return np.array(rows, dtype=bool).reshape(-1, len(pairs)), np.array(kept, dtype=bool)


def pack_bits(bits):
    """np.packbits along each row (most significant bit first, last byte zero-padded)."""
    return np.packbits(np.asarray(bits, bool), axis=1)


def hamming_distance(a, b):
    """cv2.norm(a[i], b[j], cv2.NORM_HAMMING) for every pair of rows, int64."""
    return np.array([[int(cv2.norm(x, y, cv2.NORM_HAMMING)) for y in b] for x in a], dtype=np.int64).reshape(
        len(a), len(b))


def match_descriptors(d1, d2, metric="euclidean", max_ratio=1.0, cross_check=True):
    """skimage.feature.match_descriptors with the same arguments, int64 (K, 2)."""
    matches = feature.match_descriptors(d1, d2, metric=metric, max_ratio=max_ratio, cross_check=cross_check)
    return matches.astype(np.int64).reshape(-1, 2)


def _central_differences(image):
    """(Ix, Iy) by cv2.filter2D with [-1/2, 0, 1/2] and its transpose, reflect101."""
    kernel = np.array([[-0.5, 0.0, 0.5]])
    return (cv2.filter2D(image, cv2.CV_64F, kernel, borderType=REFLECT101),
            cv2.filter2D(image, cv2.CV_64F, np.ascontiguousarray(kernel.T), borderType=REFLECT101))


def _window(r, c, half):
    """The part of the (2·half+1)² square centred on (r, c) that lies inside the image (slicing clips the end)."""
    return np.s_[max(r - half, 0):r + half + 1, max(c - half, 0):c + half + 1]


def _structure_matrix(ix, iy, window):
    """[[ΣIx², ΣIxIy], [ΣIxIy, ΣIy²]] over `window` (a slice pair)."""
    gx, gy = ix[window].ravel(), iy[window].ravel()
    return np.array([[gx @ gx, gx @ gy], [gx @ gy, gy @ gy]])


def smallest_eigenvalues(image, window):
    """(H, W): the smaller eigenvalue of the Lucas–Kanade matrix of every pixel's window (how textured it is).

    Window sums by cv2.boxFilter with zeros outside the image (the part inside, as the spec sums).
    """
    ix, iy = _central_differences(np.asarray(image, np.float64))
    a, b, c = (cv2.boxFilter(v, cv2.CV_64F, (window, window), normalize=False, borderType=cv2.BORDER_CONSTANT)
               for v in (ix * ix, ix * iy, iy * iy))
    return (a + c) / 2 - np.sqrt(((a - c) / 2) ** 2 + b ** 2)


def lucas_kanade(prev, next, points, window=5):
    """(flow (N, 2), condition (N,)): the spec's single LK step point by point, and cond(M) of each 2×2 matrix.

    Sums run over the part of the window inside the image; the flow is NaN where
    the smaller eigenvalue (np.linalg.eigvalsh) is below 1e-6, else np.linalg.solve;
    the condition is NaN where the flow is.
    """
    prev, next = np.asarray(prev, np.float64), np.asarray(next, np.float64)
    ix, iy = _central_differences(prev)
    it = next - prev
    flow = np.full((len(points), 2), np.nan)
    condition = np.full(len(points), np.nan)
    for n, (r, c) in enumerate(np.asarray(points, np.int64)):
        patch = _window(r, c, window // 2)
        matrix = _structure_matrix(ix, iy, patch)
        eigenvalues = np.linalg.eigvalsh(matrix)
        if eigenvalues[0] >= 1e-6:
            flow[n] = np.linalg.solve(matrix, -np.array([ix[patch].ravel() @ it[patch].ravel(),
                                                         iy[patch].ravel() @ it[patch].ravel()]))
            condition[n] = eigenvalues[1] / eigenvalues[0]
    return flow, condition


def cv_lucas_kanade(prev, next, points, window):
    """(flow (N, 2), status (N,) bool) of cv2.calcOpticalFlowPyrLK on uint8 images, maxLevel=0, (x, y) order."""
    start = np.asarray(points, np.float32)[:, ::-1].reshape(-1, 1, 2).copy()
    end, status, _ = cv2.calcOpticalFlowPyrLK(np.asarray(prev, np.uint8), np.asarray(next, np.uint8), start, None,
                                              winSize=(window, window), maxLevel=0)
    return (end - start).reshape(-1, 2).astype(np.float64), status.ravel().astype(bool)


def flow_to_hsv(flow, max_magnitude=None):
    """The spec's HSV mapping pixel by pixel with math.atan2 / math.hypot and round (half to even)."""
    flow = np.asarray(flow, np.float64)
    magnitudes = np.hypot(flow[..., 0], flow[..., 1])
    scale = float(magnitudes.max()) if max_magnitude is None else float(max_magnitude)
    hsv = np.zeros(flow.shape[:2] + (3,), dtype=np.uint8)
    for (r, c), (dx, dy) in zip(np.ndindex(flow.shape[:2]), flow.reshape(-1, 2)):
        angle = math.degrees(math.atan2(dy, dx)) % 360.0
        fraction = min(math.hypot(dx, dy) / scale, 1.0) if scale > 0 else 0.0
        hsv[r, c] = (round(angle / 2) % 180, 255, round(255 * fraction))
    return hsv


def cv_hue(flow):
    """OpenCV's hue: the angle of cv2.cartToPolar(dx, dy, angleInDegrees=True) halved and rounded, mod 180."""
    flow = np.asarray(flow, np.float64)
    _, angle = cv2.cartToPolar(flow[..., 0].copy(), flow[..., 1].copy(), angleInDegrees=True)
    return (np.rint(angle / 2) % 180).astype(np.int64)


def warp_image(image, flow):
    """scipy.ndimage.map_coordinates(image, (rows + dy, cols + dx), order=1, mode="nearest") in float64."""
    image = np.asarray(image, np.float64)
    rows, cols = np.indices(image.shape, dtype=np.float64)
    coords = np.stack([rows + flow[..., 1], cols + flow[..., 0]])
    return ndimage.map_coordinates(image, coords, order=1, mode="nearest")
