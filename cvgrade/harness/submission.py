"""The grader's view of a submission: calls in, plain data out.

`open_submission` gives a `Submission` whose code runs either in this process
(fast local runs, for trusted code) or in a child process (isolated: untrusted
code). Both go through the same `cvgrade.sandbox.server.Server` and the same wire
encoding, so they give the same verdicts. In isolated mode every call has a
timeout; a timeout or a crash kills the child, and the next call starts a fresh
one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvgrade.sandbox import isolation, scratch, wire, zygote
from cvgrade.errors import (
    CallTimeout,
    ProtocolError,
    ReferenceCallError,
    SubmissionCrashed,
    SubmissionImportError,
    student_exception,
)
from cvgrade.sandbox.server import Interrupt, Server

IMPORT_TIMEOUT_S = 120.0
ZYGOTE_ENV = "CVGRADE_ZYGOTE"


class _Expired(Exception):
    """The call ran past its deadline."""


class _Died(Exception):
    """The child process ended; the message says how."""


class _ImportFailed(Exception):
    """The submission could not be started; the message says why."""


@dataclass
class GradResult:
    """A call's value with the gradients back-propagated from it."""

    value: Any
    input_grads: list
    param_grads: list


# -- transports ---------------------------------------------------------------------------


@contextlib.contextmanager
def _alarm(seconds: float):
    """Interrupt the block after `seconds` (main thread only), re-firing so a bare except cannot swallow it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = [True]

    def fire(signum, frame):
        if armed[0]:
            raise Interrupt()

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    except Interrupt:
        armed[0] = False
        raise _Expired() from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class InProcessTransport:
    """Runs the submission's server in this process; timeouts interrupt Python code with SIGALRM."""

    generation = 0

    def __init__(self, module_path: Path, name: str, reference_calls: dict):
        self.server = None
        self.failure = None
        try:
            with _alarm(IMPORT_TIMEOUT_S):
                self.server = Server(module_path, name, reference_calls)
        except _Expired:
            self.failure = f"importing {name}.py did not finish within {IMPORT_TIMEOUT_S:g} s"

    def request(self, frame: bytes, timeout: float) -> bytes:
        if self.failure:
            raise _ImportFailed(self.failure)
        with _alarm(timeout):
            return self.server.handle_frame(frame)

    def close(self) -> None:
        self.server = None


def _describe_exit(code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        if -code == signal.SIGSEGV:
            return "crashed with a segmentation fault (SIGSEGV)"
        if -code == signal.SIGKILL:
            return "was killed (SIGKILL), most likely for using too much memory"
        if -code == signal.SIGXCPU:
            return "used up its CPU-time allowance (SIGXCPU)"
        if -code == signal.SIGXFSZ:
            return "wrote more output or a larger file than allowed (SIGXFSZ)"
        return f"was killed by {name}"
    return f"exited with status {code} (sys.exit or os._exit in the submission?)"


class _DirectChild:
    """A child started with its own `python -I` (no warm pool)."""

    def __init__(self, popen: subprocess.Popen, wrapped: bool):
        self.popen, self.wrapped = popen, wrapped

    def wait(self, timeout: float | None = None) -> int | None:
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        if self.wrapped and 128 < code < 128 + 65:  # bwrap reports a child killed by signal N as 128 + N
            code = 128 - code
        return code

    def kill(self) -> int:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        return self.wait()


def warm_pool_enabled() -> bool:
    """Children fork from a warm zygote unless CVGRADE_ZYGOTE=0."""
    return os.environ.get(ZYGOTE_ENV, "1") != "0"


class ChildTransport:
    """Runs the submission's server in a fresh child process, sandboxed by `cvgrade.sandbox.isolation`.

    The child is forked from a warm zygote (`cvgrade.sandbox.zygote`) when the warm pool
    is enabled, else started as its own process; both see the same sandbox.
    `deny_imports` are top-level modules the child must not be able to import.
    """

    def __init__(self, module_path: Path, name: str, reference_calls: dict, deny_imports=()):
        self.module_path, self.name = Path(module_path), name
        self.reference_calls = reference_calls
        self.deny_imports = tuple(sorted(set(deny_imports)))
        self.proc = None
        self.workdir = None
        self.generation = 0
        self.failure = None
        self.log = tempfile.TemporaryFile(dir=scratch.folder())

    # process lifecycle
    def _launch(self, fd_in: int, fd_out: int):
        """Start the child on `fd_in`/`fd_out`: forked from a zygote if possible, else directly."""
        source = None
        if self.module_path.is_file() and self.module_path.stat().st_size <= zygote.MAX_SOURCE_BYTES // 2:
            source = self.module_path.read_bytes().decode("utf-8", errors="replace")
        if warm_pool_enabled() and (source is not None or not self.module_path.exists()):
            try:
                wrapped = tuple(name for names in self.reference_calls.values() for name in names)
                preload = zygote.preload_for(source, also=wrapped, deny_imports=self.deny_imports)
                warm = zygote.acquire(preload, self.deny_imports, IMPORT_TIMEOUT_S)
                return warm.spawn(self.name, source, self.reference_calls,
                                  isolation.confinement(warm.workdir, layer="forked", deny_imports=self.deny_imports),
                                  isolation.child_env(warm.workdir), (fd_in, fd_out, self.log.fileno()), preload)
            except zygote.ZygoteDied:
                pass
        self.workdir = isolation.prepare_workdir(self.module_path, self.name)
        command = isolation.child_command(self.workdir, self.name, json.dumps(self.reference_calls, sort_keys=True),
                                        fd_in, fd_out, isolation.confinement(self.workdir, deny_imports=self.deny_imports))
        popen = subprocess.Popen(command, cwd=self.workdir, env=isolation.child_env(self.workdir),
                                 stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                 pass_fds=(fd_in, fd_out), start_new_session=True)
        return _DirectChild(popen, isolation.mode() == "bwrap")

    def _start(self) -> None:
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        for fd in (self.to_child, self.from_child):  # an image crosses in one write, not sixteen 64 KiB wake-ups
            with contextlib.suppress(OSError):  # above /proc/sys/fs/pipe-max-size: the default stays
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        try:
            self.proc = self._launch(to_child_r, from_child_w)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        os.set_blocking(self.to_child, False)
        self.generation += 1
        try:
            ready = wire.loads(self._receive(time.monotonic() + IMPORT_TIMEOUT_S))
        except _Expired:
            self.stop()
            raise _ImportFailed(f"importing {self.name}.py did not finish within {IMPORT_TIMEOUT_S:g} s") from None
        except (_Died, wire.WireError) as exc:
            self.stop()
            raise _ImportFailed(f"the process running {self.name}.py {exc} while importing it{self._output_tail()}") from None
        value = ready.get("value") if type(ready) is dict else None
        if type(value) is not dict:
            self.stop()
            raise _ImportFailed(f"{self.name}.py did not start properly")
        if value.get("import_error"):
            self.stop()
            raise _ImportFailed(str(value["import_error"]))

    def stop(self) -> int | None:
        """Kill the child (its handles are lost from now on); return its exit code."""
        if self.proc is None:
            return None
        self.generation += 1
        code = self.proc.kill()
        for fd in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.workdir is not None:
            scratch.remove_tree(self.workdir)
            self.workdir = None
        self.proc = None
        return code

    def _output_tail(self, limit: int = 800) -> str:
        self.log.seek(0, os.SEEK_END)
        size = self.log.tell()
        self.log.seek(max(0, size - limit))
        text = self.log.read().decode(errors="replace").strip()
        return f"; its last output:\n{text}" if text else ""

    # framed I/O with a deadline
    def _send(self, frame: bytes, deadline: float) -> None:
        data = memoryview(struct.pack("<Q", len(frame)) + frame)
        while data:
            if not select.select([], [self.to_child], [], max(0.0, deadline - time.monotonic()))[1]:
                raise _Expired()
            try:
                data = data[os.write(self.to_child, data):]
            except BrokenPipeError:
                raise _Died(self._exit_text()) from None

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, missing = [], size
        while missing:
            if not select.select([self.from_child], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise _Expired()
            chunk = os.read(self.from_child, min(missing, 1 << 20))
            if not chunk:
                raise _Died(self._exit_text())
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _receive(self, deadline: float) -> bytes:
        (size,) = struct.unpack("<Q", self._read(8, deadline))
        if size > wire.MAX_MESSAGE_BYTES:
            raise wire.WireError(f"reply of {size} bytes is larger than allowed")
        return self._read(size, deadline)

    def _exit_text(self) -> str:
        code = self.proc.wait(timeout=5)
        return "closed its connection" if code is None else _describe_exit(code)

    def request(self, frame: bytes, timeout: float) -> bytes:
        if self.failure:
            raise _ImportFailed(self.failure)
        if self.proc is None:
            try:
                self._start()
            except _ImportFailed as exc:
                self.failure = str(exc)
                raise
        deadline = time.monotonic() + timeout
        try:
            self._send(frame, deadline)
            return self._receive(deadline)
        except _Expired:
            self.stop()
            raise
        except _Died as exc:
            self.stop()
            raise _Died(f"{exc}{self._output_tail()}") from None

    def close(self) -> None:
        self.stop()
        self.log.close()


# -- the grader's API ----------------------------------------------------------------------


class Submission:
    """One student module, reached only through requests (see docs/writing-graders.md)."""

    def __init__(self, transport, topic: str, call_timeout: float):
        self.transport, self.topic, self.call_timeout = transport, topic, call_timeout
        self._shared: dict[tuple, Handle] = {}

    def call(self, fn: str, /, *args, **kwargs) -> Any:
        """Call the student's function `fn` and return its result as plain data."""
        __tracebackhide__ = True
        return self._request(f"{self.topic}.{fn}", op="call", fn=fn, args=args, kwargs=kwargs)

    def grad(self, fn: str, /, *args, output=None, grad_output=None, params_of=(), **kwargs) -> GradResult:
        """Call `fn`, back-propagate from its result (or `result[output]`), return value and gradients."""
        __tracebackhide__ = True
        grad = {"output": output, "grad_output": grad_output, "params_of": [h.id for h in params_of]}
        value = self._request(f"{self.topic}.{fn}", op="call", fn=fn, args=args, kwargs=kwargs, grad=grad)
        return _grad_result(value)

    def new(self, cls: str, /, *args, **kwargs) -> "Handle":
        """Construct the student's class `cls`; the object stays in the submission's process."""
        __tracebackhide__ = True
        return self._request(f"{self.topic}.{cls}", op="new", cls=cls, args=args, kwargs=kwargs)

    def build(self, target: str, /, *args, **kwargs) -> "Handle":
        """Construct a trusted object by dotted path inside the submission's process."""
        __tracebackhide__ = True
        return self._request(target, op="build", target=target, args=args, kwargs=kwargs)

    def shared(self, target: str, /, *args, **kwargs) -> "Handle":
        """`build(target, ...)` once per process of the submission, then the same handle (for objects used read-only:
        a tokenizer). A restarted process builds it again, so a crash never costs later tests the object."""
        __tracebackhide__ = True
        key = (target, repr(args), repr(sorted(kwargs.items())))
        handle = self._shared.get(key)
        if handle is None or handle.generation != self.transport.generation:
            handle = self._shared[key] = self.build(target, *args, **kwargs)
        return handle

    def func(self, name: str) -> wire.FuncRef:
        """A reference to the student's function `name`, usable as an argument."""
        return wire.FuncRef(name)

    def close(self) -> None:
        self.transport.close()

    def _encode_handle(self, obj: Any) -> int | None:
        if type(obj) is Handle:
            if obj.submission is not self or obj.generation != self.transport.generation:
                raise SubmissionCrashed(f"{obj.label} was lost when the submission's process restarted")
            return obj.id
        return None

    def _request(self, label: str, **request) -> Any:
        __tracebackhide__ = True
        frame = wire.dumps(request, handle_of=self._encode_handle)
        try:
            raw = self.transport.request(frame, self.call_timeout)
        except _Expired:
            raise CallTimeout(f"{label} did not return within {self.call_timeout:g} s "
                              "(an endless loop, or far too slow)") from None
        except _Died as exc:
            raise SubmissionCrashed(f"the process running the submission {exc} during {label}") from None
        except _ImportFailed as exc:
            raise SubmissionImportError(str(exc)) from None
        except wire.WireError as exc:
            raise ProtocolError(f"{label}: the submission's process sent an invalid reply ({exc})") from None
        generation = self.transport.generation
        reply = wire.loads(raw, handle_factory=lambda ref: Handle(self, ref.id, generation, label))
        if type(reply) is not dict or type(reply.get("ok")) is not bool:
            raise ProtocolError(f"{label}: the submission's process sent an invalid reply")
        if reply["ok"]:
            return reply.get("value")
        raise _error(reply.get("error"), label)


def _error(error: Any, label: str) -> Exception:
    if type(error) is not dict or not all(type(error.get(k)) is str for k in ("kind", "builtin", "message", "trace")):
        return ProtocolError(f"{label}: the submission's process sent an invalid error")
    message = error["message"] + error["trace"]
    kind = error["kind"]
    if kind == "student":
        raised = error.get("raised")
        return student_exception(error["builtin"], raised if type(raised) is str else message, shown=message)
    if kind == "reference":
        return ReferenceCallError(message)
    if kind == "import":
        return SubmissionImportError(message)
    if kind == "harness":
        return RuntimeError(f"grading harness error in {label}: {message}")
    return ProtocolError(f"{label}: unknown error kind {kind!r}")


def _grad_result(value: Any) -> GradResult:
    if type(value) is not dict or set(value) != {"value", "input_grads", "param_grads"}:
        raise ProtocolError("the submission's process sent an invalid gradient reply")
    return GradResult(**value)


class Handle:
    """An object living in the submission's process (a student module or a trusted build)."""

    def __init__(self, submission: Submission, id: int, generation: int, label: str):
        self.submission, self.id, self.generation, self.label = submission, id, generation, label

    def __repr__(self) -> str:
        return f"<Handle {self.id}: {self.label}>"

    def __eq__(self, other: object) -> bool:
        return type(other) is Handle and (other.submission, other.id, other.generation) == (
            self.submission, self.id, self.generation)

    def __hash__(self) -> int:
        return hash((id(self.submission), self.id, self.generation))

    def _request(self, label: str, **request) -> Any:
        __tracebackhide__ = True
        return self.submission._request(label, handle=self, **request)

    def __call__(self, *args, **kwargs) -> Any:
        __tracebackhide__ = True
        return self.method("__call__", *args, **kwargs)

    def method(self, name: str, /, *args, **kwargs) -> Any:
        """Call the object's method `name`; returns plain data, or this handle if it returns itself."""
        __tracebackhide__ = True
        return self._request(f"{self.label}.{name}", op="method", name=name, args=args, kwargs=kwargs)

    def grad(self, *args, method: str = "__call__", output=None, grad_output=None, params: bool = False,
             **kwargs) -> GradResult:
        """Like `Submission.grad` for a method; `params=True` adds this object's parameter gradients."""
        __tracebackhide__ = True
        grad = {"output": output, "grad_output": grad_output, "params_of": [self.id] if params else []}
        value = self._request(f"{self.label}.{method}", op="method", name=method, args=args, kwargs=kwargs, grad=grad)
        return _grad_result(value)

    def get(self, path: str) -> Any:
        """The attribute at dotted `path`, as plain data."""
        __tracebackhide__ = True
        return self._request(f"{self.label}.{path}", op="get", path=path)

    def state_dict(self) -> dict:
        __tracebackhide__ = True
        return self._request(f"{self.label}.state_dict", op="state_dict")

    def load_state_dict(self, state_dict: dict, strict: bool = True) -> dict:
        """Load tensors into the object; returns its missing and unexpected keys."""
        __tracebackhide__ = True
        return self._request(f"{self.label}.load_state_dict", op="load_state_dict", state_dict=state_dict,
                             strict=strict)

    def modules(self) -> list[dict]:
        """`{"name", "type", "extra"}` for every submodule, the object itself first."""
        __tracebackhide__ = True
        return self._request(f"{self.label}.modules", op="modules")

    def trace(self, *args, **kwargs) -> dict:
        """Call the module and record its leaf submodules as they run.

        Returns `{"output": result, "calls": [...]}`, one call entry per leaf module
        call in execution order: `name`, `type`, `extra`, `input`/`output` (the
        first 256 elements of the call's first input and of its output, flattened,
        detached) and `shape` (the output's shape). See `cvgrade.structure` for the checks built on it.
        """
        __tracebackhide__ = True
        return self._request(f"{self.label}.forward", op="trace", args=args, kwargs=kwargs)


def open_submission(module_path: str | Path, topic: str, *, isolated: bool, reference_calls: dict | None = None,
                    deny_imports=(), call_timeout: float = 10.0) -> Submission:
    """The submission `module_path` (a `<topic>.py`, which may be missing) ready for graders.

    `deny_imports` (top-level module names) cannot be imported by an isolated
    child where Landlock is in force; in-process (trusted) code is not restricted.
    """
    if isolated:
        transport = ChildTransport(Path(module_path), topic, dict(reference_calls or {}), deny_imports)
    else:
        transport = InProcessTransport(Path(module_path), topic, dict(reference_calls or {}))
    return Submission(transport, topic, call_timeout)
