"""The wire codec: plain data round-trips exactly, everything else arrives as Foreign, bad frames fail cleanly."""

import json
import struct

import numpy as np
import pytest
import torch

from cvgrade.sandbox import wire


def roundtrip(value):
    return wire.loads(wire.dumps(value))


@pytest.mark.parametrize("value", [
    None, True, 0, -(2**70), 1.5, float("inf"), "text", [1, [2.0]], (1, (2, "a")), {"a": 1, 2: (3,)},
])
def test_builtin_values_roundtrip_with_their_types(value):
    out = roundtrip(value)
    assert out == value and type(out) is type(value)


def test_nan_roundtrips():
    assert np.isnan(roundtrip(float("nan")))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float16", "float32", "float64", "complex64"])
def test_arrays_roundtrip_exactly(dtype):
    array = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)[:, ::-1]  # non-contiguous on purpose
    out = roundtrip(array)
    assert type(out) is np.ndarray and out.dtype == array.dtype and out.shape == array.shape
    assert np.array_equal(out, array)


def test_numpy_scalars_keep_their_type():
    out = roundtrip(np.float32(1.25))
    assert type(out) is np.float32 and out == np.float32(1.25)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.bool])
def test_tensors_roundtrip_with_dtype_and_grad_flag(dtype):
    tensor = torch.arange(6).reshape(2, 3).to(dtype).t()
    out = roundtrip(tensor)
    assert type(out) is torch.Tensor and out.dtype == dtype and out.device == tensor.device
    assert torch.equal(out, tensor)
    grad = roundtrip(torch.ones(2, dtype=torch.float64, requires_grad=True))
    assert grad.requires_grad and grad.is_leaf


def test_container_subclasses_arrive_as_their_base_type():
    from collections import OrderedDict, namedtuple

    top = roundtrip(torch.topk(torch.tensor([3.0, 1.0, 2.0]), 2))
    assert type(top) is tuple and torch.equal(top[1], torch.tensor([0, 2]))
    assert type(roundtrip(OrderedDict(a=torch.ones(1)))) is dict
    assert roundtrip(namedtuple("Pair", "x y")(1, 2)) == (1, 2)


def test_torch_metadata_roundtrips():
    value = (torch.float64, torch.device("cpu"), torch.Size([2, 3]))
    assert roundtrip(value) == value and type(roundtrip(value)[2]) is torch.Size


class EvilArray(np.ndarray):
    def __eq__(self, other):
        return True


class Reducer:
    calls = 0

    def __reduce__(self):
        Reducer.calls += 1
        return (print, ("pickled!",))


@pytest.mark.parametrize("value, type_name", [
    (np.ones(3).view(EvilArray), "test_wire.EvilArray"),
    (torch.nn.Linear(2, 2), "torch.nn.modules.linear.Linear"),
    (np.array([object()], dtype=object), "numpy.ndarray"),
])
def test_other_objects_arrive_as_foreign(value, type_name):
    assert roundtrip(value) == wire.Foreign(type_name)


def test_encoding_never_pickles():
    assert roundtrip(Reducer()) == wire.Foreign("test_wire.Reducer") and Reducer.calls == 0


def frame(header, *buffers):
    data = json.dumps(header).encode()
    out = struct.pack("<QI", len(data), len(buffers)) + data
    for buf in buffers:
        out += struct.pack("<Q", len(buf)) + buf
    return out


@pytest.mark.parametrize("message", [
    b"",
    b"garbage",
    frame({"$": "ndarray", "dtype": "float64", "shape": [3], "buf": 0}, b"\0" * 8),  # too short for 3 floats
    frame({"$": "ndarray", "dtype": "object", "shape": [1], "buf": 0}, b"\0" * 8),
    frame({"$": "ndarray", "dtype": "float64", "shape": [1], "buf": 1}, b"\0" * 8),
    frame({"$": "what"}),
    frame({"$": "dict", "items": [[{"$": "list", "items": []}, 1]]}),
    frame({"$": "torch_dtype", "v": "Tensor"}),
    frame([1]),
    frame(1) + b"trailing",
])
def test_malformed_messages_raise_wire_error(message):
    with pytest.raises(wire.WireError):
        wire.loads(message)


def test_nesting_is_bounded():
    value = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(wire.WireError):
        wire.dumps(value)
