"""The submission's side of grading: import the student module, run the calls graders ask for.

A `Server` runs wherever the student code runs: in the grading process
(in-process mode) or in a child process (isolated mode, see `cvgrade.sandbox.child`).
It receives requests and returns replies as `cvgrade.sandbox.wire` frames, keeps the
objects it builds in a registry (graders see them as handles), seeds every
random generator before each request, and reports a call to a forbidden
reference callable (`cvgrade.sandbox.tripwire`) as an error.
"""

from __future__ import annotations

import contextlib
import importlib.util
import random
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from cvgrade.errors import builtin_base
from cvgrade.sandbox import tripwire, wire


class Interrupt(BaseException):
    """Raised into a running call to stop it (in-process timeouts); never caught as a student error."""


class _CallFailed(Exception):
    def __init__(self, kind: str, message: str, builtin: str = "Exception", trace: str = "", raised: str | None = None):
        super().__init__(message)
        self.kind, self.builtin, self.trace = kind, builtin, trace
        self.raised = message if raised is None else raised  # the student's own message, alone


def seed_everything(seed: int = 0) -> None:
    """Seed `random`, NumPy and (if imported) torch, so grading is deterministic.

    torch's CPU generator always; CUDA's only once CUDA is initialised (inputs on the
    GPU initialise it before a call runs): `torch.manual_seed` before that queues a
    lazy seeding with a recorded stack trace on every call, a third of a session's time.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.default_generator.manual_seed(seed)
        if torch.cuda.is_initialized():
            torch.cuda.manual_seed_all(seed)


def _resolve_dotted(target: str):
    module_name, _, attr = target.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError):
        owner_name, _, cls = module_name.rpartition(".")
        if not owner_name:
            raise
        return getattr(getattr(importlib.import_module(owner_name), cls), attr)


class Server:
    """Imports `module_path` as `module_name` and answers requests about it."""

    def __init__(self, module_path: str | Path, module_name: str, reference_calls: dict[str, list[str]],
                 deny_imports=()):
        """`deny_imports`: top-level modules this process cannot import; their reference callables are not wrapped."""
        self.path = str(Path(module_path).resolve())
        self.name = module_name
        self.forbidden = {key: frozenset(names) for key, names in reference_calls.items()}
        tripwire.install({name for names in self.forbidden.values() for name in names
                          if name.partition(".")[0] not in set(deny_imports)})
        self.objects: dict[int, Any] = {}
        self.ids: dict[int, int] = {}
        self.keys: dict[int, str] = {}
        self.module = None
        self.import_error: str | None = None
        self._import()

    # -- import -----------------------------------------------------------------
    def _import(self) -> None:
        if not Path(self.path).is_file():
            self.import_error = f"{self.name}.py is missing from the submission"
            return
        spec = importlib.util.spec_from_file_location(self.name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[self.name] = module
        try:
            seed_everything()
            spec.loader.exec_module(module)
        except (Interrupt, KeyboardInterrupt):
            raise
        except BaseException as exc:  # SyntaxError, SystemExit at import, ...
            sys.modules.pop(self.name, None)
            self.import_error = f"importing {self.name}.py raised {type(exc).__name__}: {exc}{self._student_trace(exc)}"
            return
        self.module = module
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.backends.cuda.matmul.allow_tf32 = False
            torch.backends.cudnn.allow_tf32 = False

    def _student_trace(self, exc: BaseException) -> str:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path]
        if isinstance(exc, SyntaxError) and exc.lineno:
            return f"\n  {self.name}.py, line {exc.lineno}: {(exc.text or '').strip()}"
        return "".join(f"\n  {self.name}.py, line {f.lineno}, in {f.name}: {f.line}" for f in frames[-3:])

    # -- frames -----------------------------------------------------------------
    def handle_frame(self, frame: bytes) -> bytes:
        """Decode a request, run it, encode the reply (never raises but for `Interrupt`)."""
        try:
            request = wire.loads(frame)
            reply = {"ok": True, "value": self.handle(request)}
        except _CallFailed as failure:
            reply = {"ok": False, "error": {"kind": failure.kind, "builtin": failure.builtin,
                                             "message": str(failure), "trace": failure.trace, "raised": failure.raised}}
        except wire.WireError as exc:
            reply = {"ok": False, "error": {"kind": "harness", "builtin": "Exception", "message": str(exc), "trace": ""}}
        except (Interrupt, KeyboardInterrupt):
            raise
        except BaseException as exc:  # student code behind state_dict, attributes, ...
            failure = self._student_failure(exc, self.name)
            reply = {"ok": False, "error": {"kind": "student", "builtin": failure.builtin,
                                             "message": str(failure), "trace": failure.trace, "raised": failure.raised}}
        try:
            return wire.dumps(reply, handle_of=self._handle_of)
        except (wire.WireError, RecursionError, ValueError) as exc:
            reply = {"ok": False, "error": {"kind": "student", "builtin": "Exception",
                                             "message": f"the result cannot be sent back: {exc}", "trace": ""}}
            return wire.dumps(reply)

    def _handle_of(self, obj: Any) -> int | None:
        return self.ids.get(id(obj))

    # -- requests ---------------------------------------------------------------
    def handle(self, request: dict) -> Any:
        op = request.get("op")
        if op == "ping":
            return {"import_error": self.import_error}
        if self.module is None:
            raise _CallFailed("import", self.import_error or "the submission could not be imported")
        seed_everything()
        if op == "call":
            fn = self._attr(request["fn"], "function")
            return self._run(request["fn"], fn, request, label=f"{self.name}.{request['fn']}")
        if op == "new":
            cls = self._attr(request["cls"], "class")
            obj = self._run(request["cls"], cls, request, label=f"{self.name}.{request['cls']}")
            return self._register(obj, key=request["cls"])
        if op == "build":
            factory = self._trusted(request["target"])
            args, kwargs = self._resolve(request["args"]), self._resolve(request["kwargs"])
            try:
                built = factory(*args, **kwargs)
            except Exception as exc:
                raise _CallFailed("harness", f"building {request['target']} failed: {type(exc).__name__}: {exc}") from None
            return self._register(built, key=None)
        obj, key = self._object(request["handle"])
        if op == "method":
            name = request["name"]
            try:
                method = getattr(obj, name)
            except AttributeError as exc:
                raise self._student_failure(exc, f"{type(obj).__name__}.{name}") from None
            return self._run(key, method, request, label=f"{type(obj).__name__}.{name}")
        if op == "get":
            value = obj
            for part in request["path"].split("."):
                value = getattr(value, part)
            return value
        if op == "state_dict":
            return {k: v for k, v in obj.state_dict().items()}
        if op == "load_state_dict":
            result = obj.load_state_dict(self._resolve(request["state_dict"]), strict=request["strict"])
            return {"missing_keys": list(result.missing_keys), "unexpected_keys": list(result.unexpected_keys)}
        if op == "modules":
            return [{"name": name, "type": type(m).__name__, "extra": m.extra_repr()} for name, m in obj.named_modules()]
        if op == "trace":
            calls: list[dict] = []
            with _recording_leaf_calls(obj, calls):
                output = self._run(key, obj, request, label=f"{type(obj).__name__}.forward")
            return {"output": output, "calls": calls}
        raise _CallFailed("harness", f"unknown request {op!r}")

    def _attr(self, name: str, what: str):
        value = getattr(self.module, name, None)
        if not callable(value):
            raise _CallFailed("student", f"{self.name}.py has no {what} named {name!r}", "AttributeError")
        return value

    def _trusted(self, target: str):
        try:
            return _resolve_dotted(target)
        except (ImportError, AttributeError, ValueError) as exc:
            raise _CallFailed("harness", f"cannot build {target!r}: {exc}") from None

    def _register(self, obj: Any, key: str | None) -> wire.HandleRef:
        if id(obj) not in self.ids:
            handle = len(self.objects) + 1
            self.objects[handle] = obj
            self.ids[id(obj)] = handle
            self.keys[handle] = key
        return wire.HandleRef(self.ids[id(obj)])

    def _object(self, handle: Any) -> tuple[Any, str | None]:
        if type(handle) is wire.HandleRef:
            handle = handle.id
        if type(handle) is not int or handle not in self.objects:
            raise _CallFailed("harness", f"no object with handle {handle!r}")
        return self.objects[handle], self.keys[handle]

    def _resolve(self, value: Any) -> Any:
        """Replace handle and function references in request data by the objects they name."""
        cls = type(value)
        if cls is wire.HandleRef:
            return self._object(value.id)[0]
        if cls is wire.FuncRef:
            return self._attr(value.name, "function")
        if cls in (list, tuple):
            return cls(self._resolve(v) for v in value)
        if cls is dict:
            return {k: self._resolve(v) for k, v in value.items()}
        return value

    def _student_failure(self, exc: BaseException, label: str) -> _CallFailed:
        return _CallFailed("student", f"{label} raised {type(exc).__name__}: {exc}", builtin_base(exc),
                           self._student_trace(exc), raised=str(exc))

    def _run(self, key: str | None, fn, request: dict, label: str) -> Any:
        """Call `fn` with the request's arguments under the tripwire; back-propagate if asked."""
        args, kwargs = self._resolve(request["args"]), self._resolve(request["kwargs"])
        with tripwire.watch(self.forbidden.get(key, ())) as hits:
            try:
                result = fn(*args, **kwargs)
                grad = request.get("grad")
                if grad is not None:
                    result = self._backward(result, grad, args, kwargs)
            except (Interrupt, KeyboardInterrupt):
                raise
            except BaseException as exc:
                failure = self._student_failure(exc, label)
            else:
                failure = None
        if hits:
            names = ", ".join(sorted(hits))
            raise _CallFailed("reference", f"{label} called {names}, the library it is graded against; "
                                           "implement it yourself", "Exception")
        if failure is not None:
            raise failure
        return result

    def _backward(self, result: Any, spec: dict, args, kwargs) -> dict:
        import torch

        leaves = [t for t in _tensors((args, kwargs)) if t.requires_grad and t.is_leaf]
        owners = [self._object(h)[0] for h in spec["params_of"]]
        params = [list(owner.named_parameters()) for owner in owners]
        output = result if spec["output"] is None else result[spec["output"]]
        if type(output) is not torch.Tensor:
            raise TypeError(f"cannot back-propagate from a {type(output).__name__}; a tensor was expected")
        inputs = leaves + [p for group in params for _, p in group]
        grads: list = [None] * len(inputs)
        if output.requires_grad and inputs:
            grad_output = spec["grad_output"] if spec["grad_output"] is not None else torch.ones_like(output)
            grads = list(torch.autograd.grad(output, inputs, grad_outputs=grad_output, allow_unused=True))
        input_grads, rest = grads[: len(leaves)], grads[len(leaves):]
        param_grads = []
        for group in params:
            param_grads.append({name: g for (name, _), g in zip(group, rest)})
            rest = rest[len(group):]
        return {"value": result, "input_grads": input_grads, "param_grads": param_grads}


TRACE_SAMPLE = 256  # elements of each leaf call's first input and output kept for behavioural checks


def _sample(value: Any):
    """The first TRACE_SAMPLE elements of the first tensor in `value`, detached, or None."""
    tensor = next(_tensors(value), None)
    return None if tensor is None else tensor.detach().flatten()[:TRACE_SAMPLE].clone()


@contextlib.contextmanager
def _recording_leaf_calls(model: Any, calls: list):
    """Record every call of a leaf submodule of `model` (one without children) in the order they run.

    Each entry: `name`, `type` (class name), `extra` (`extra_repr()`), `input` and
    `output` samples (see `_sample`), `shape` of the output (its first tensor).
    The hooks are removed afterwards, also when the forward raises.
    """
    modules = getattr(model, "named_modules", None)
    if modules is None:
        raise TypeError(f"cannot trace a {type(model).__name__}: it is not an nn.Module")
    hooks, pending = [], {}

    def before(mod, inputs):  # sampled before the call: an in-place activation overwrites its input
        pending.setdefault(id(mod), []).append(_sample(inputs))

    def hook_for(name):
        def record(mod, inputs, output):
            first = next(_tensors(output), None)
            calls.append({"name": name, "type": type(mod).__name__, "extra": mod.extra_repr(),
                          "input": pending[id(mod)].pop(), "output": _sample(output),
                          "shape": None if first is None else list(first.shape)})
        return record

    try:
        for name, module in modules():
            if next(module.children(), None) is None:
                hooks.append(module.register_forward_pre_hook(before))
                hooks.append(module.register_forward_hook(hook_for(name)))
        yield calls
    finally:
        for hook in hooks:
            hook.remove()


def _tensors(value: Any):
    """Tensors in nested lists/tuples/dicts, args before kwargs, in order."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        yield value
    elif type(value) in (list, tuple):
        for v in value:
            yield from _tensors(v)
    elif type(value) is dict:
        for v in value.values():
            yield from _tensors(v)
