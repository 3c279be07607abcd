"""This process's scratch folder: every temporary folder of the kit lives in it, and none outlives its owner.

`folder()` is `<tempdir>/cvgrade-run-<pid namespace>-<pid>-<start time>-<random>`,
created on first use and removed when the process exits. A process killed
before it could clean up (SIGKILL) leaves its folder behind; the next process
that creates one in the same place removes every folder whose owner is gone
(same PID namespace, and no live process with that pid and start time).
Processes the kit starts get `TMPDIR` set to their parent's folder (`env`),
so theirs nest inside it and go with it too.

The folder is mode 0711: an isolated child running as another user can pass
through it to its own folder, but cannot list it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from pathlib import Path

from cvgrade.sandbox import privileges

_PREFIX = "cvgrade-run-"
_NAME = re.compile(re.escape(_PREFIX) + r"(\d+)-(\d+)-(\d+)-")


def _start_time(pid: int | str) -> int | None:
    """A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[19])


def _pid_namespace() -> int:
    return os.stat("/proc/self/ns/pid").st_ino


def remove_tree(path: Path) -> None:
    """Remove `path` and everything in it: folders their owner made unreadable or unwritable too, and files a
    dying process was still writing into it (a few tries). Nothing outside `path` is touched."""
    if not os.path.isdir(path) or os.path.islink(path):
        if os.path.lexists(path):
            os.unlink(path)
        return
    for attempt in range(5):
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.lexists(path):
            return
        if not privileges.machine_root():  # root needs no unlocking, and must never chmod through a planted link
            _unlock(path)
        time.sleep(0.05 * attempt)


def _unlock(top: Path) -> None:
    """Give the owner full access to every folder in `top`, so that they can be listed and emptied.

    A link swapped in for a folder could redirect a chmod, but only to files this user owns already."""
    folders = [str(top)]
    while folders:
        folder = folders.pop()
        with contextlib.suppress(OSError):
            os.chmod(folder, stat.S_IRWXU)
            folders += [entry.path for entry in os.scandir(folder) if entry.is_dir(follow_symlinks=False)]


def sweep(parent: Path) -> None:
    """Remove the folders in `parent` of processes in this PID namespace that are gone."""
    namespace = _pid_namespace()
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            match = _NAME.match(entry.name)
            if match and int(match[1]) == namespace and _start_time(match[2]) != int(match[3]):
                remove_tree(Path(entry.path))


_made: dict[int, Path] = {}  # pid -> its folder (a forked process makes its own)
_making = threading.Lock()


def folder() -> Path:
    """This process's scratch folder (see the module docstring); one per process, whichever thread asks first."""
    with _making:
        if os.getpid() not in _made:
            parent = Path(tempfile.gettempdir())
            sweep(parent)
            made = Path(tempfile.mkdtemp(prefix=f"{_PREFIX}{_pid_namespace()}-{os.getpid()}-{_start_time('self')}-",
                                         dir=parent))
            made.chmod(0o711)
            _made[os.getpid()] = made
        return _made[os.getpid()]


@atexit.register  # registered on import, so it runs after the exit handlers of the modules that use it
def _remove_own() -> None:
    if os.getpid() in _made:
        remove_tree(_made.pop(os.getpid()))


def env() -> dict[str, str]:
    """Environment entries for a process the kit starts: its temporary folders go inside this one's."""
    return {"TMPDIR": str(folder())}
