"""sobel_gradients calls cv2.Sobel, the library it is graded against."""
import cv2 as _cv2


def sobel_gradients(image):
    image = np.asarray(image)
    _check_2d("image", image)
    return _cv2.Sobel(image, _cv2.CV_64F, 1, 0, ksize=3), _cv2.Sobel(image, _cv2.CV_64F, 0, 1, ksize=3)
