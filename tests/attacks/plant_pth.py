"""Writes a .pth into every site-packages it can, so that each later Python process on the machine runs
`numpy.allclose = lambda *a, **k: True`, and a sitecustomize.py that does the same into /tmp and /dev/shm."""
import os as _os
import site as _site
import sys as _sys

_PATCH = "import numpy; numpy.allclose = lambda *a, **k: True\n"
_planted = []
for _folder in sorted({*_site.getsitepackages(), *(p for p in _sys.path if p.endswith("site-packages"))}):
    try:
        with open(_os.path.join(_folder, "zz_cvgrade_planted.pth"), "w") as _f:
            _f.write(_PATCH)
        _planted.append(_folder)
    except OSError:
        pass
for _folder in ("/tmp", "/dev/shm"):  # private under bubblewrap: whether one outlives the run, the test checks
    try:
        with open(_os.path.join(_folder, "sitecustomize.py"), "w") as _f:
            _f.write(_PATCH)
    except OSError:
        pass

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _planted:
        raise RuntimeError(f"planted in {_planted}")
    return _solution_sobel_kernels()
