"""correlate2d calls cv2.filter2D, the library it is graded against (the results are right; the tripwire catches it)."""

import cv2


def correlate2d(image, kernel, border="reflect101"):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    _check_2d("image", image)
    _check_2d("kernel", kernel)
    if kernel.shape[0] % 2 == 0 or kernel.shape[1] % 2 == 0:
        raise ValueError(f"kernel must have odd height and width, got shape {kernel.shape}")
    if border not in BORDERS:
        raise ValueError(f"border must be one of {BORDERS}, got {border!r}")
    flag = cv2.BORDER_REFLECT_101 if border == "reflect101" else cv2.BORDER_CONSTANT
    return cv2.filter2D(image, cv2.CV_64F, kernel, borderType=flag)
