"""Grade one batch of attack submissions inside a throwaway mount and PID namespace (run by tests/test_attacks.py).

`python attack_batch.py SPEC` runs as root and as PID 1 of a new PID and mount
namespace (`unshare --mount --pid --fork --mount-proc`), so that nothing a
submission starts outlives the batch and no failing sandbox can harm the
machine:

1. /tmp becomes the batch's own folder (`spec["tmp"]`: it holds the disposable
   course, checkout, submissions and virtual environment under /tmp/batch),
   /dev/shm a fresh tmpfs, and the root filesystem read-only: the real
   checkouts, site-packages and home folders cannot change, whatever the
   attacks do. For a batch graded by an unprivileged user, a folder above the
   Python installation that the user cannot enter (a private /root) is covered
   by a tmpfs that holds only the installation, read-only.
2. The batch's user (`spec["user"]`) grades every submission in order with two
   warm workers, as `cvgrade autograde` does: `python attack_batch.py --grade SPEC`,
   run with the disposable environment's interpreter.
3. Then it looks at what the namespace holds: processes besides itself, files in /dev/shm.

Prints one JSON object: {"reports": {label: report}, "processes": [...], "shm": [...]}.
"""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import site
import subprocess
import sys
import time
from pathlib import Path

_MS_RDONLY, _MS_REMOUNT, _MS_BIND, _MS_REC = 1, 32, 4096, 16384
_O_PATH = 0o10000000


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    encode = lambda text: text.encode() if text is not None else None  # noqa: E731
    if libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)) != 0:
        raise OSError(ctypes.get_errno(), f"mount {source} on {target} failed")


def _expose(paths: list[str], uid: int, gid: int) -> None:
    """Cover each folder that keeps user `uid` from `paths` with a tmpfs holding only the way to them, read-only."""
    from cvgrade.sandbox.privileges import unreachable

    for _ in range(8):  # one blocking folder per round, outermost first
        blocked = unreachable(uid, gid, paths)
        if not blocked:
            return
        target = Path(blocked[0]).resolve()
        cover = next(f for f in [*reversed(target.parents), target] if unreachable(uid, gid, [str(f)]))
        needed = sorted({Path(p).resolve().relative_to(cover).parts[0] for p in blocked
                         if Path(p).resolve().is_relative_to(cover) and Path(p).resolve() != cover})
        kept = {name: os.open(cover / name, _O_PATH) for name in needed}
        _mount("tmpfs", str(cover), "tmpfs", 0, "mode=0755")
        for name, fd in kept.items():
            (cover / name).mkdir()
            _mount(f"/proc/self/fd/{fd}", str(cover / name), None, _MS_BIND | _MS_REC)
            _mount(None, str(cover / name), None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY)
            os.close(fd)
    raise RuntimeError(f"could not expose {paths} to uid {uid}")


def _set_up(spec: dict) -> None:
    _mount(spec["tmp"], "/tmp", None, _MS_BIND)
    _mount("tmpfs", "/dev/shm", "tmpfs", 0, "mode=1777")
    _mount(None, "/", None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY)
    if spec["user"] != "root":
        user = pwd.getpwnam(spec["user"])
        import cvgrade

        _expose([sys.base_prefix, sys.prefix, *site.getsitepackages(), str(Path(cvgrade.__file__).parent),
                 str(Path(__file__).parent)], user.pw_uid, user.pw_gid)


def _reap() -> None:
    """Collect every exited orphan (PID 1 adopts them all)."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def _namespace_leftovers() -> dict:
    deadline = time.monotonic() + 10  # a dying zygote may take a moment to notice its worker is gone
    while True:
        _reap()
        others = [p for p in os.listdir("/proc") if p.isdigit() and p != str(os.getpid())]
        if not others or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    described = []
    for pid in others:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:200].decode(errors="replace")
        except OSError:
            continue
        described.append(f"{pid}: {command}")
    return {"processes": described, "shm": sorted(os.listdir("/dev/shm"))}


def run(spec: dict) -> dict:
    """In the namespace (as PID 1): set up, grade as the batch's user, look at what is left."""
    _set_up(spec)
    user = pwd.getpwnam(spec["user"])
    command = [spec["python"], __file__, "--grade", json.dumps(spec)]
    if spec["user"] != "root":
        command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--", *command]
    done = subprocess.run(command, env=spec["env"], cwd="/tmp", capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"grading the batch failed ({done.returncode}):\n{done.stderr[-5000:]}")
    return {"reports": json.loads(done.stdout), **_namespace_leftovers()}


def grade(spec: dict) -> dict:
    """As the batch's user: every submission of the batch, in order, graded by two warm workers."""
    from cvgrade.harness.workers import WorkerPool, grade_topic_warm

    course = Path(spec["course"])
    with WorkerPool(2) as pool:
        futures = {label: pool.submit(lambda worker, folder=folder: grade_topic_warm(
                       worker, course, spec["topic"], folder, isolated=True, call_timeout=spec["call_timeout"]))
                   for label, folder in spec["submissions"]}
        return {label: future.result() for label, future in futures.items()}


if __name__ == "__main__":
    if sys.argv[1] == "--grade":
        print(json.dumps(grade(json.loads(sys.argv[2]))))
    else:
        print(json.dumps(run(json.loads(sys.argv[1]))))
