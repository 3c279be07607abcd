"""Raises its own hard resource limits, then takes more memory and writes a larger file than grading allows."""
import resource as _resource

_escaped = []
for _name in ("RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_CORE"):
    _kind = getattr(_resource, _name)
    _soft, _hard = _resource.getrlimit(_kind)
    if _hard == _resource.RLIM_INFINITY:
        continue
    try:
        _resource.setrlimit(_kind, (_resource.RLIM_INFINITY, _resource.RLIM_INFINITY))
        _escaped.append(_name)
    except (ValueError, OSError):
        pass
try:
    _block = bytearray(600 << 20)  # above the suite's 512 MB
    _escaped.append("600 MB of memory")
    del _block
except MemoryError:
    pass
try:
    with open("large.bin", "wb") as _f:
        _f.write(b"\0" * (20 << 20))  # above the suite's 16 MB per file
    _escaped.append("a 20 MB file")
except OSError:
    pass

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _escaped:
        raise RuntimeError(f"escaped its limits: {_escaped}")
    return _solution_sobel_kernels()
