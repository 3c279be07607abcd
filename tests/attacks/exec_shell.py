"""Replaces itself with a shell that leaves marker files in /tmp, /dev/shm and the course; failing that, spawns one."""
import os as _os

_SCRIPT = ("echo planted > /tmp/cvgrade-attack-marker; echo planted > /dev/shm/cvgrade-attack-marker; "
           "echo planted > __COURSE__/marker")
for _shell in ("/bin/sh", "/usr/bin/sh", "/bin/bash"):
    try:
        _os.execv(_shell, [_shell, "-c", _SCRIPT])
    except OSError:
        pass
_spawned = []
try:
    _os.posix_spawn("/bin/sh", ["sh", "-c", _SCRIPT], {})
    _spawned.append("posix_spawn")
except OSError:
    pass
if _os.system(_SCRIPT) == 0:
    _spawned.append("system")

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _spawned:
        raise RuntimeError(f"ran a shell through {_spawned}")
    return _solution_sobel_kernels()
