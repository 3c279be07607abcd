"""Plain data across the boundary between the grader and the submission, without pickle.

A message is a JSON header followed by raw byte buffers (array and tensor data).
Only exact builtin types, NumPy arrays and scalars, torch tensors, dtypes,
devices and sizes are encoded as themselves; subclasses of tuple, list and dict (named tuples,
`torch.return_types`, `OrderedDict`) as their base type; handles and function
references name objects that stay in the submission's process. Every other
object is encoded as `Foreign(type_name)`, which no comparator accepts. Decoding checks
every field, so a hostile sender can make decoding fail but never run code.
"""

from __future__ import annotations

import json
import struct
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_DEPTH = 64
MAX_MESSAGE_BYTES = 1 << 31

_NUMPY_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}
_TORCH_DTYPES = _NUMPY_DTYPES - {"uint16", "uint32", "uint64"} | {"bfloat16"}
_NUMPY_SCALARS = {np.dtype(name).type: name for name in _NUMPY_DTYPES}


class WireError(ValueError):
    """A message that cannot be encoded or decoded."""


@dataclass(frozen=True)
class Foreign:
    """An object of a type that does not cross the boundary; only its type name does."""

    type_name: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


@dataclass(frozen=True)
class HandleRef:
    """An object that lives in the submission's process, by registry id."""

    id: int


@dataclass(frozen=True)
class FuncRef:
    """A top-level callable of the submission's module, by name."""

    name: str


def _torch():
    return sys.modules.get("torch")


def _type_name(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


class _Encoder:
    def __init__(self, handle_of):
        self.buffers: list[bytes] = []
        self.handle_of = handle_of

    def buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def encode(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"data nested deeper than {MAX_DEPTH} levels")
        cls = type(obj)
        if obj is None or cls in (bool, int, str):
            return obj
        if cls is float:
            return {"$": "float", "v": repr(obj)}
        if cls in (list, tuple):
            return {"$": cls.__name__, "items": [self.encode(x, depth + 1) for x in obj]}
        if cls is dict:
            return {"$": "dict", "items": [[self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in obj.items()]}
        if cls in (HandleRef, FuncRef, Foreign):
            return {"$": cls.__name__, "v": obj.id if cls is HandleRef else obj.name if cls is FuncRef else obj.type_name}
        if cls is np.ndarray and obj.dtype.name in _NUMPY_DTYPES:
            data = np.ascontiguousarray(obj)
            return {"$": "ndarray", "dtype": obj.dtype.name, "shape": list(obj.shape), "buf": self.buffer(data.tobytes())}
        if cls in _NUMPY_SCALARS:
            return {"$": "npscalar", "dtype": _NUMPY_SCALARS[cls], "buf": self.buffer(np.asarray(obj).tobytes())}
        torch = _torch()
        if torch is not None:
            encoded = self.encode_torch(torch, obj, cls, depth)
            if encoded is not None:
                return encoded
        handle = self.handle_of(obj) if self.handle_of else None
        if handle is not None:
            return {"$": "HandleRef", "v": handle}
        for base in (tuple, list, dict):  # named tuples, torch.return_types, OrderedDict: sent as their base
            if isinstance(obj, base):
                return self.encode(base(obj), depth)
        return {"$": "Foreign", "v": _type_name(obj)}

    def encode_torch(self, torch, obj, cls, depth):
        if cls in (torch.Tensor, torch.nn.Parameter):
            name = str(obj.dtype).removeprefix("torch.")
            if name not in _TORCH_DTYPES or obj.layout != torch.strided or obj.is_quantized or obj.device.type == "meta":
                return None
            data = obj.detach().to("cpu").contiguous()
            if name == "bfloat16":
                data = data.view(torch.int16)
            return {
                "$": "parameter" if cls is torch.nn.Parameter else "tensor",
                "dtype": name,
                "shape": list(obj.shape),
                "device": str(obj.device),
                "requires_grad": bool(obj.requires_grad),
                "buf": self.buffer(data.numpy().tobytes()),
            }
        if cls is torch.dtype:
            return {"$": "torch_dtype", "v": str(obj).removeprefix("torch.")}
        if cls is torch.device:
            return {"$": "torch_device", "v": str(obj)}
        if cls is torch.Size:
            return {"$": "torch_size", "items": [int(x) for x in obj]}
        return None


class _Decoder:
    def __init__(self, buffers: list[bytes], handle_factory):
        self.buffers = buffers
        self.handle_factory = handle_factory

    def field(self, node: dict, key: str, kind: type):
        value = node.get(key)
        if type(value) is not kind:
            raise WireError(f"field {key!r} should be {kind.__name__}")
        return value

    def array(self, node: dict, dtype_names: set[str]) -> np.ndarray:
        dtype = self.field(node, "dtype", str)
        if dtype not in dtype_names:
            raise WireError(f"dtype {dtype!r} is not allowed")
        shape = self.field(node, "shape", list)
        if not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("shape must be a list of non-negative ints")
        buf = self.buffers[self.field(node, "buf", int)]
        np_dtype = np.dtype("int16" if dtype == "bfloat16" else dtype)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if count * np_dtype.itemsize != len(buf):
            raise WireError("buffer size does not match shape and dtype")
        return np.frombuffer(buf, dtype=np_dtype).reshape(shape).copy()

    def decode(self, node: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError(f"data nested deeper than {MAX_DEPTH} levels")
        if node is None or type(node) in (bool, int, str):
            return node
        if type(node) is not dict or type(node.get("$")) is not str:
            raise WireError("malformed node")
        tag = node["$"]
        if tag == "float":
            return float(self.field(node, "v", str))
        if tag in ("list", "tuple", "torch_size"):
            items = [self.decode(x, depth + 1) for x in self.field(node, "items", list)]
            if tag == "torch_size":
                return _require_torch().Size(items)
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            out = {}
            for pair in self.field(node, "items", list):
                if type(pair) is not list or len(pair) != 2:
                    raise WireError("malformed dict item")
                key = self.decode(pair[0], depth + 1)
                try:
                    out[key] = self.decode(pair[1], depth + 1)
                except TypeError as exc:
                    raise WireError("unhashable dict key") from exc
            return out
        if tag == "ndarray":
            return self.array(node, _NUMPY_DTYPES)
        if tag == "npscalar":
            node = dict(node, shape=[])
            return self.array(node, _NUMPY_DTYPES)[()]
        if tag in ("tensor", "parameter"):
            return self.tensor(node, tag == "parameter")
        if tag == "torch_dtype":
            name = self.field(node, "v", str)
            if name not in _TORCH_DTYPES:
                raise WireError(f"dtype {name!r} is not allowed")
            return getattr(_require_torch(), name)
        if tag == "torch_device":
            return _require_torch().device(self.field(node, "v", str))
        if tag == "HandleRef":
            ref = HandleRef(self.field(node, "v", int))
            return self.handle_factory(ref) if self.handle_factory else ref
        if tag == "FuncRef":
            return FuncRef(self.field(node, "v", str))
        if tag == "Foreign":
            return Foreign(self.field(node, "v", str))
        raise WireError(f"unknown tag {tag!r}")

    def tensor(self, node: dict, parameter: bool):
        torch = _require_torch()
        array = self.array(node, _TORCH_DTYPES)
        dtype = self.field(node, "dtype", str)
        tensor = torch.from_numpy(array)
        if dtype == "bfloat16":
            tensor = tensor.view(torch.bfloat16)
        tensor = tensor.to(torch.device(self.field(node, "device", str)))
        requires_grad = self.field(node, "requires_grad", bool)
        if parameter:
            return torch.nn.Parameter(tensor, requires_grad=requires_grad)
        if requires_grad:
            tensor.requires_grad_(True)
        return tensor


def _require_torch():
    torch = _torch()
    if torch is None:
        import torch
    return torch


def dumps(obj: Any, handle_of=None) -> bytes:
    """Encode `obj`; `handle_of(obj)` may return a registry id for a non-data object."""
    encoder = _Encoder(handle_of)
    header = json.dumps(encoder.encode(obj), separators=(",", ":")).encode()
    parts = [struct.pack("<QI", len(header), len(encoder.buffers)), header]
    for buf in encoder.buffers:
        parts += [struct.pack("<Q", len(buf)), buf]
    return b"".join(parts)


def loads(data: bytes, handle_factory=None) -> Any:
    """Decode a message made by `dumps`; `handle_factory(HandleRef)` builds handles."""
    view = memoryview(data)
    try:
        header_len, count = struct.unpack_from("<QI", view, 0)
        pos = 12
        header = json.loads(bytes(view[pos : pos + header_len]))
        pos += header_len
        buffers = []
        for _ in range(count):
            (size,) = struct.unpack_from("<Q", view, pos)
            pos += 8
            if pos + size > len(view):
                raise WireError("truncated buffer")
            buffers.append(bytes(view[pos : pos + size]))
            pos += size
    except (struct.error, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed message: {exc}") from exc
    if pos != len(view):
        raise WireError("trailing bytes after message")
    try:
        return _Decoder(buffers, handle_factory).decode(header)
    except (IndexError, ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, WireError):
            raise
        raise WireError(f"malformed message: {exc}") from exc


def read_frame(stream) -> bytes:
    """Read one length-prefixed frame from a binary stream; b'' at end of stream."""
    head = stream.read(8)
    if not head:
        return b""
    if len(head) != 8:
        raise WireError("truncated frame")
    (size,) = struct.unpack("<Q", head)
    if size > MAX_MESSAGE_BYTES:
        raise WireError(f"frame of {size} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit")
    data = stream.read(size)
    if len(data) != size:
        raise WireError("truncated frame")
    return data


def write_frame(stream, data: bytes) -> None:
    """Write one length-prefixed frame and flush."""
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()
