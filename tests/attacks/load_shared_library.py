"""Writes a shared library into its folder and loads it (built by the test from load_shared_library.c: on load it
tries to write outside, fork, signal its parent and exec a shell; without a C compiler it is a copy of libm)."""
import base64 as _base64
import ctypes as _ctypes
import os as _os

_path = _os.path.abspath("libcvgrade_attack.so")
with open(_path, "wb") as _f:
    _f.write(_base64.b64decode("__SHARED_LIBRARY__"))
_library = _ctypes.CDLL(_path)
_harms = _ctypes.c_int.in_dll(_library, "cvgrade_harms").value if hasattr(_library, "cvgrade_harms") else 0

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _harms:
        raise RuntimeError(f"the library did {_harms} forbidden things")
    return _solution_sobel_kernels()
