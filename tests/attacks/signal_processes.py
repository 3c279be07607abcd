"""For two seconds, sends SIGKILL to its parent (the zygote), its worker, its siblings and every process it can name."""
import os as _os
import signal as _signal
import time as _time

_own = {_os.getpid(), *(int(t) for t in _os.listdir("/proc/self/task"))}
_killed = set()
_deadline = _time.monotonic() + 2
while _time.monotonic() < _deadline:
    try:
        _os.kill(-1, _signal.SIGKILL)  # all it may signal; succeeds even when each one is refused, so no evidence
    except OSError:
        pass
    for _pid in (_os.getppid(), *range(1, 4096)):
        if _pid in _own:
            continue
        try:
            _os.kill(_pid, _signal.SIGKILL)
            _killed.add(_pid)
        except OSError:
            pass

_solution_sobel_kernels = sobel_kernels


def sobel_kernels():
    if _killed:
        raise RuntimeError(f"signalled {sorted(_killed)[:10]}")
    return _solution_sobel_kernels()
