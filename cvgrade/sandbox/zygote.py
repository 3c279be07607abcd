"""A warm pool for isolated children: a sandboxed process that imports the heavy libraries once and forks.

A zygote (`python -I -B -m cvgrade.sandbox.zygote`) starts inside the same sandbox as a
plain child (`cvgrade.sandbox.isolation.wrap`) and first confines itself as far as it can
while keeping what it needs (`cvgrade.sandbox.isolation.confinement(..., layer="zygote")`):
Landlock rules as wide as a child's, with all of /proc (each child's own pid is
not known yet) and its folder writable; as the machine's root, only the
capabilities to wipe its folder and to start and kill children; no readable
memory. Then it imports its preload list (numpy, torch, cv2, timm, ...; never a
module its topic denies; a later child's libraries are added before its fork)
and serves one child at a time over a Unix socket from the grading process:
`spawn` carries the student's source text, the child's environment, confinement
and reference calls, and three descriptors (requests, replies, output log).
Once a child has ended, the zygote wipes its folder (and, under bubblewrap, its
private /tmp) and forks the next child ahead of its request: that process waits
on a socket of its own. At `spawn` the zygote writes the module into its folder
(forking again first if the request made it load more libraries) and hands the
request to the waiting child, which adds its own confinement
(`cvgrade.sandbox.child.serve`: limits, a narrower Landlock layer, the privilege
drop, seccomp) before importing the student's code. The zygote itself runs no
student code; it reports the child's exit status, and kills the child when asked
or when the grading process goes away. The grading process does not wait for a
kill: it reads the exit status before the zygote's next child. So every
submission still gets a fresh process, without paying the imports, the fork or
the last child's exit on its way.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from pathlib import Path

from cvgrade.sandbox import scratch

_HEADER = struct.Struct("<Q")
MAX_SOURCE_BYTES = 8 << 20
KILL_TIMEOUT_S = 10.0  # a zygote that has not reported a killed child's exit by then is stopped


def _send(sock: socket.socket, message: dict, fds: tuple[int, ...] = ()) -> None:
    data = json.dumps(message).encode()
    head = _HEADER.pack(len(data))
    if fds:
        socket.send_fds(sock, [head], list(fds))
    else:
        sock.sendall(head)
    sock.sendall(data)


def _recv(sock: socket.socket, max_fds: int = 0) -> tuple[dict | None, list[int]]:
    """One message and the descriptors sent with it; (None, []) at end of stream."""
    head, fds = b"", []
    while len(head) < _HEADER.size:
        if max_fds and not head:
            chunk, fds, _, _ = socket.recv_fds(sock, _HEADER.size, max_fds)
        else:
            chunk = sock.recv(_HEADER.size - len(head))
        if not chunk:
            return None, fds
        head += chunk
    (size,) = _HEADER.unpack(head)
    if size > MAX_SOURCE_BYTES:
        raise ValueError(f"message of {size} bytes is too large")
    data = b""
    while len(data) < size:
        chunk = sock.recv(min(size - len(data), 1 << 20))
        if not chunk:
            return None, fds
        data += chunk
    return json.loads(data), fds


# -- the zygote process ---------------------------------------------------------------------


def _wipe(folder: Path) -> None:
    for entry in folder.iterdir():
        with contextlib.suppress(OSError):
            scratch.remove_tree(entry)


def _run_child(request: dict, fds: list[int], workdir: Path) -> None:
    """In the forked child: become the submission's process, never return."""
    code = 1
    try:
        fd_in, fd_out, fd_log = fds
        os.dup2(fd_log, 1)
        os.dup2(fd_log, 2)
        os.close(fd_log)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(workdir)
        from cvgrade.sandbox import child

        code = child.serve(fd_in, fd_out, str(workdir / f"{request['name']}.py"), request["name"],
                           request["reference_calls"], request["confinement"])
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


class _Spare:
    """A child forked ahead of its request, off the grading process's path (a fork and an exit of a process holding
    torch take about 30 ms each): it waits on a socket of its own for the request and its descriptors."""

    def __init__(self, control: socket.socket, workdir: Path):
        self.socket, theirs = socket.socketpair()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                control.close()
                self.socket.close()
                request, fds = _recv(theirs, max_fds=3)
                theirs.close()
                if request is not None:
                    _run_child(request, fds, workdir)
                code = 0
            finally:
                os._exit(code)
        theirs.close()

    def start(self, request: dict, fds: list[int]) -> int:
        """Hand the spare its request and descriptors; its pid."""
        _send(self.socket, request, tuple(fds))
        self.socket.close()
        return self.pid

    def discard(self) -> None:
        self.socket.close()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _supervise(control: socket.socket, pid: int) -> int:
    """Wait for the child to end, killing it on request or when the grading process is gone; its exit code."""
    pidfd = os.pidfd_open(pid)
    try:
        while True:
            ready, _, _ = select.select([control, pidfd], [], [])
            if pidfd in ready:
                break
            message, _ = _recv(control)
            if message is None or message.get("op") == "kill":
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                if message is None:
                    os.waitpid(pid, 0)
                    raise SystemExit(0)
                break
    finally:
        os.close(pidfd)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def warm_up(names) -> bool:
    """Load `names` (see `load`), then freeze the heap if that imported anything; whether it did.

    Frozen objects are left out of every later garbage collection: of a zygote's
    children, and of a grading worker's pytest sessions (several per session,
    each of which would otherwise walk all of torch).
    """
    loaded = len(sys.modules)
    for name in names:
        load(name)
    if len(sys.modules) == loaded:
        return False
    gc.collect()
    gc.freeze()
    return True


def serve(control: socket.socket, workdir: Path, preload: list[str], wipe_tmp: bool) -> int:
    """The zygote loop (see the module docstring)."""
    warm_up(["cvgrade.sandbox.child", "cvgrade.sandbox.server", *preload])
    _send(control, {"ready": True})
    spare = None
    try:
        while True:
            if spare is None:  # the last child is gone: clean up after it, and fork the next one's process now
                _wipe(workdir)
                if wipe_tmp:
                    _wipe(Path("/tmp"))
                spare = _Spare(control, workdir)
            request, fds = _recv(control, max_fds=3)
            if request is None:
                return 0
            if "source" not in request:  # a kill that crossed the exit of a child that ended on its own
                continue
            if warm_up(request.get("preload", ())):  # what the spare lacks: fork it again with the new libraries
                spare.discard()
                spare = _Spare(control, workdir)
            if request["source"] is not None:
                (workdir / f"{request['name']}.py").write_text(request["source"])
            pid = spare.start(request, fds)
            spare = None
            for fd in fds:
                os.close(fd)
            _send(control, {"pid": pid})
            _send(control, {"exit": _supervise(control, pid)})
    finally:
        if spare is not None:
            spare.discard()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cvgrade.sandbox.zygote")
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--preload", default="")
    parser.add_argument("--wipe-tmp", action="store_true")
    parser.add_argument("--confinement", required=True, help="JSON plan of cvgrade.sandbox.isolation.confinement")
    args = parser.parse_args(argv)
    from cvgrade.sandbox import isolation

    isolation.confine(args.confinement)
    control = socket.socket(fileno=args.control_fd)
    return serve(control, Path(args.workdir), [m for m in args.preload.split(",") if m], args.wipe_tmp)


# -- the grading process's side -------------------------------------------------------------


class ZygoteDied(RuntimeError):
    """The zygote ended or stopped answering."""


class ForkedChild:
    """A child forked by a zygote: wait for it or kill it through the zygote."""

    def __init__(self, zygote: "Zygote"):
        self.zygote, self.code = zygote, None

    def wait(self, timeout: float | None = None) -> int | None:
        """The child's exit code, or None if it is still running after `timeout` seconds."""
        if self.code is None:
            if not select.select([self.zygote.control], [], [], timeout)[0]:
                return None
            self.code = self.zygote.exit_code()
        return self.code

    def kill(self) -> int | None:
        """Have the zygote kill the child, without waiting: its exit status is read before the zygote's next fork
        (`Zygote.settle`), so the return value is the status only where it was known already."""
        if self.code is None and not self.zygote.killing:
            try:
                _send(self.zygote.control, {"op": "kill"})
                self.zygote.killing = True
            except OSError:
                self.zygote.close()
        return self.code


class Zygote:
    """A warm, sandboxed process that forks one submission child at a time.

    It grows: a child that needs libraries the zygote has not loaded yet has them
    loaded by the zygote before its fork, where they stay for later children.
    """

    def __init__(self, preload: tuple[str, ...], deny_imports: tuple[str, ...], import_timeout: float):
        from cvgrade.sandbox import isolation

        self.loaded, self.import_timeout = set(preload), import_timeout
        self.workdir = isolation.own_folder("cvgrade-zygote-")
        self.control, theirs = socket.socketpair()
        argv = isolation.python_module("cvgrade.sandbox.zygote", "--control-fd", str(theirs.fileno()),
                                     "--workdir", isolation.inside_path(self.workdir), "--preload", ",".join(preload),
                                     "--confinement", isolation.confinement(self.workdir, layer="zygote",
                                                                          deny_imports=deny_imports))
        if isolation.mode() == "bwrap":
            argv.append("--wipe-tmp")
        self.process = subprocess.Popen(isolation.wrap(argv, self.workdir), env=isolation.child_env(self.workdir),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
                                        start_new_session=True)
        theirs.close()
        self.busy = self.killing = False
        if not select.select([self.control], [], [], import_timeout)[0] or _recv(self.control)[0] != {"ready": True}:
            self.close()
            raise ZygoteDied("the warm process did not start")

    def settle(self) -> None:
        """Read the exit status a kill left unread (`ForkedChild.kill`): the zygote is idle again, or closed if it
        does not answer within `KILL_TIMEOUT_S`."""
        if self.killing and self.process is not None:
            self.killing = False
            if select.select([self.control], [], [], KILL_TIMEOUT_S)[0]:
                self.exit_code()
            else:
                self.close()

    def exit_code(self) -> int:
        try:
            message, _ = _recv(self.control)
        except (OSError, ValueError):
            message = None
        self.busy = False
        if message is None or type(message.get("exit")) is not int:
            self.close()
            return -signal.SIGKILL
        return message["exit"]

    def spawn(self, name: str, source: str, reference_calls: dict, confinement_json: str, env: dict,
              fds: tuple[int, int, int], preload: tuple[str, ...] = ()) -> ForkedChild:
        """Fork a child for `source` speaking on `fds` (requests in, replies out, output log), `preload` loaded first."""
        self.busy = True
        missing = [name for name in preload if name not in self.loaded]
        request = {"name": name, "source": source, "reference_calls": reference_calls,
                   "confinement": confinement_json, "env": env, "preload": missing}
        try:
            _send(self.control, request, fds)
            answered = select.select([self.control], [], [], self.import_timeout if missing else None)[0]
            reply = _recv(self.control)[0] if answered else None
        except (OSError, ValueError):
            reply = None
        if reply is None or type(reply.get("pid")) is not int:
            self.close()
            raise ZygoteDied("the warm process did not fork a child")
        self.loaded.update(missing)
        return ForkedChild(self)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
        self.control.close()
        scratch.remove_tree(self.workdir)


PRELOADABLE = ("numpy", "cv2", "torch", "torchvision", "timm", "diffusers", "open_clip", "transformers",
               "skimage", "scipy", "sklearn", "pycocotools", "torchmetrics", "pytorch_fid", "vector_quantize_pytorch")


# Submodules a library imports on first use rather than at import, and that nearly every grading session reaches:
# a zygote's children would each pay them again: every request seeds NumPy's global generator (numpy.random: 20 ms),
# torch's first backward imports the other two, with sympy (0.6 s).
FIRST_USE_IMPORTS = {"numpy": ("numpy.random",),
                     "torch": ("torch.nested._internal.nested_tensor", "torch.fx.experimental.symbolic_shapes")}


def preload_for(source: str | None, also: tuple[str, ...] = (), deny_imports=()) -> tuple[str, ...]:
    """The heavy libraries a submission imports at top level (NumPy always), then the callables of `also`, for its
    zygote; never one of `deny_imports` (nor a callable of it).

    `also`: dotted callables of those libraries that the child will reach anyway,
    the ones its tripwire wraps. The zygote resolves each of them (`load`), so
    lazily loaded submodules (`skimage.feature.peak_local_max` loads
    `skimage.feature.peak` on first access) are loaded once, before the fork.
    """
    import ast

    wanted = {"numpy"}
    callables = {name for name in also if name.split(".")[0] in PRELOADABLE and "." in name}
    try:
        tree = ast.parse(source or "")
    except (SyntaxError, ValueError):
        tree = ast.Module(body=[], type_ignores=[])
    for node in tree.body:
        if isinstance(node, ast.Import):
            wanted |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            wanted.add(node.module.split(".")[0])
    allowed = [name for name in PRELOADABLE if name in wanted and name not in deny_imports]
    extra = sorted(name for name in callables if name.split(".")[0] not in deny_imports)
    return tuple(allowed) + tuple(extra)


def load(dotted: str) -> None:
    """Import `dotted`, a module or a callable reached from its longest importable module prefix
    (`pkg.mod.Class.method` imports `pkg.mod` and looks up `Class.method`), and what its library imports on first
    use (`FIRST_USE_IMPORTS`). What cannot be found is left for the session to report."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        with contextlib.suppress(Exception):  # a lazy attribute's own import failing is the session's to report
            for attr in parts[cut:]:
                owner = getattr(owner, attr)
        break
    for name in FIRST_USE_IMPORTS.get(parts[0], ()):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


_POOL: dict[tuple[str, tuple[str, ...]], list[Zygote]] = {}
_POOL_LOCK = threading.Lock()


def acquire(preload: tuple[str, ...], deny_imports: tuple[str, ...], import_timeout: float) -> Zygote:
    """An idle zygote in the current sandbox mode with `deny_imports` out of reach; a new one starts with `preload`
    imported (an idle one loads what it lacks at `Zygote.spawn`). One zygote serves every topic that denies the
    same modules, so a batch of many topics starts few zygotes."""
    from cvgrade.sandbox import isolation

    key = (isolation.mode(), deny_imports)
    with _POOL_LOCK:
        zygotes = _POOL.setdefault(key, [])
        for zygote in zygotes:
            zygote.settle()
        zygotes[:] = [z for z in zygotes if z.alive()]
        for zygote in zygotes:
            if not zygote.busy:
                zygote.busy = True
                return zygote
    zygote = Zygote(preload, deny_imports, import_timeout)
    zygote.busy = True
    with _POOL_LOCK:
        _POOL[key].append(zygote)
    return zygote


def prestart(preload: tuple[str, ...], deny_imports: tuple[str, ...], import_timeout: float) -> None:
    """Have an idle zygote for `deny_imports` ready (started with `preload` if there is none), before any child."""
    acquire(preload, deny_imports, import_timeout).busy = False


@atexit.register
def close_all() -> None:
    """End every zygote of this process (at exit too)."""
    with _POOL_LOCK:
        for zygotes in _POOL.values():
            for zygote in zygotes:
                zygote.close()
        _POOL.clear()


if __name__ == "__main__":
    sys.exit(main())
