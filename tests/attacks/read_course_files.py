"""Looks for the graders, solutions and references on disk; returns wrong kernels if it found any."""
import glob as _glob
import os as _os

_found = []
for _pattern in ("__COURSE__/graders/*.py", "__COURSE__/solutions/*.py", "__COURSE__/reference/*.py",
                 "__COURSE__/**/test_image_filtering.py", "/proc/1/cwd/graders/*.py", "/proc/*/cwd/graders/*.py",
                 "/work/*/graders/*.py", "/tmp/*/graders/*.py", "/tmp/*/*/graders/*.py", "__OTHER__/*.py"):
    for _path in _glob.glob(_pattern, recursive=True):
        try:
            with open(_path) as _f:
                _found.append((_path, len(_f.read())))
        except OSError:
            pass

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _found:
        raise RuntimeError(f"read course files: {_found[:5]}")
    return _solution_sobel_kernels()
