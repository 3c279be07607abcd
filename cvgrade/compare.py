"""Comparators that graders use to check a submission's results.

Each check looks at the result's exact type before touching it (a real
`np.ndarray` or `torch.Tensor`, no subclass, no object with its own `__eq__`),
then shape, dtype, device, NaN/inf positions, and finally the values against a
tolerance from `cvgrade.tolerances`. A failure says where the worst error is and
how big it is.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from cvgrade import tolerances
from cvgrade.harness import pictures
from cvgrade.tolerances import EXACT, Tolerance


class Mismatch(AssertionError):
    """A result that does not match the expected one; the message is for the student.

    `picture`: for an image-valued comparison (`image=` given), the plane holding the
    worst element as plain data (`cvgrade.harness.pictures.plane`), else None.
    """

    def __init__(self, message: str, picture: dict | None = None):
        super().__init__(message)
        self.picture = picture


def assert_close(actual: Any, expected: Any, *, dtype: Any = None, name: str = "output",
                 tol: Tolerance | str | None = None, check_device: bool = True, image: str | None = None) -> None:
    """Fail unless `actual` matches `expected` within tolerance (see module docstring).

    `dtype` is the dtype `actual` must have (default: `expected`'s), and picks the
    tolerance, so a float64 reference can check a float32 result; for a Python
    float it names the precision the result was computed in (default float64). `tol` is an
    explicit `Tolerance` or the name of a profile entry ("reduction"). `image`
    names the axes of an image-valued result ("HW", "HWC", "CHW", "BHW", "BCHW",
    "BHWC"): a failure then carries a picture of the worst plane for the feedback page.
    """
    if image is not None:
        pictures.check_layout(image)
    _compare(actual, expected, dtype=dtype, name=name, tol=tol, check_device=check_device, exact=False, image=image)


def assert_equal(actual: Any, expected: Any, *, name: str = "output", check_device: bool = True,
                 image: str | None = None) -> None:
    """Fail unless `actual` equals `expected` exactly, with the same type checks (and `image` as for assert_close)."""
    if image is not None:
        pictures.check_layout(image)
    _compare(actual, expected, dtype=None, name=name, tol=EXACT, check_device=check_device, exact=True, image=image)


_worst_ratio: list[float] = []  # the largest error / bound of the comparisons since `take_worst_ratio`


def _observe(err: np.ndarray, bound: np.ndarray) -> None:
    positive = bound > 0
    if positive.any():
        _worst_ratio.append(float((err[positive] / bound[positive]).max()))


def take_worst_ratio() -> float | None:
    """The largest |actual − expected| / (atol + rtol·|expected|) seen since the last call (None: no toleranced
    comparison), then forget it. Below 1 passes; how close to 1 a correct result comes says how tight a tolerance is."""
    worst = max(_worst_ratio) if _worst_ratio else None
    _worst_ratio.clear()
    return worst


def _describe(obj: Any) -> str:
    cls = type(obj)
    return getattr(obj, "type_name", None) if cls.__name__ == "Foreign" else f"{cls.__module__}.{cls.__qualname__}"


def _fail(name: str, message: str, picture: dict | None = None) -> None:
    raise Mismatch(f"{name}: {message}", picture)


def _compare(actual, expected, *, dtype, name, tol, check_device, exact, image=None) -> None:
    torch = sys.modules.get("torch")
    if type(expected) in (tuple, list) or (torch is not None and type(expected) is torch.Size):
        if type(actual) not in (tuple, list) and not (torch is not None and type(actual) is torch.Size):
            _fail(name, f"expected a tuple of {len(expected)} items, got {_describe(actual)}")
        if len(actual) != len(expected):
            _fail(name, f"expected {len(expected)} items, got {len(actual)}")
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, dtype=dtype, name=f"{name}[{i}]", tol=tol, check_device=check_device, exact=exact,
                     image=image)
        return
    if type(expected) is dict:
        if type(actual) is not dict:
            _fail(name, f"expected a dict with keys {sorted(map(str, expected))}, got {_describe(actual)}")
        if set(actual) != set(expected):
            _fail(name, f"expected the keys {sorted(map(str, expected))}, got {sorted(map(str, actual))}")
        for key, e in expected.items():
            _compare(actual[key], e, dtype=dtype, name=f"{name}[{key!r}]", tol=tol, check_device=check_device,
                     exact=exact, image=image)
        return
    if type(expected) is np.ndarray:
        if type(actual) is not np.ndarray:
            _fail(name, f"expected a numpy.ndarray, got {_describe(actual)}")
        want = np.dtype(dtype) if dtype is not None else expected.dtype
        _check_shape_dtype(name, actual.shape, expected.shape, actual.dtype, want)
        _values(name, actual, expected, _tolerance("cpu", want.name, tol, exact), image)
        return
    if torch is not None and type(expected) is torch.Tensor:
        if type(actual) is not torch.Tensor:
            _fail(name, f"expected a torch.Tensor, got {_describe(actual)}")
        want = dtype if dtype is not None else expected.dtype
        _check_shape_dtype(name, tuple(actual.shape), tuple(expected.shape), actual.dtype, want)
        if check_device and actual.device != expected.device:
            _fail(name, f"expected a tensor on {expected.device}, got one on {actual.device}: "
                        "keep results on the device of the inputs")
        _values(name, _to_numpy(actual), _to_numpy(expected),
                _tolerance(actual.device.type, str(want).removeprefix("torch."), tol, exact), image)
        return
    if type(expected) is float:
        if type(actual) not in (float, int):
            _fail(name, f"expected a Python float, got {_describe(actual)}")
        _values(name, np.float64(actual), np.float64(expected), _tolerance("cpu", _precision(dtype), tol, exact))
        return
    if type(expected) in (int, bool, str, type(None)):
        if type(actual) is not type(expected) or actual != expected:
            _fail(name, f"expected {expected!r}, got {actual!r}" if type(actual) in (int, bool, str, float, type(None))
                  else f"expected {expected!r}, got {_describe(actual)}")
        return
    raise TypeError(f"assert_close cannot compare an expected {_describe(expected)}")


def _precision(dtype) -> str:
    """The dtype name a Python float result was computed in (float64 unless told)."""
    torch = sys.modules.get("torch")
    if dtype is None:
        return "float64"
    if torch is not None and isinstance(dtype, torch.dtype):
        return str(dtype).removeprefix("torch.")
    return np.dtype(dtype).name


def _check_shape_dtype(name, shape, want_shape, dtype, want_dtype) -> None:
    if tuple(shape) != tuple(want_shape):
        _fail(name, f"expected shape {tuple(want_shape)}, got {tuple(shape)}")
    if dtype != want_dtype:
        _fail(name, f"expected dtype {want_dtype}, got {dtype}")


def _tolerance(device_type: str, dtype_name: str, tol, exact: bool) -> Tolerance:
    if exact:
        return EXACT
    if isinstance(tol, Tolerance):
        return tol
    return tolerances.lookup(device_type, dtype_name, tol)


def _to_numpy(tensor) -> np.ndarray:
    tensor = tensor.detach().to("cpu")
    if tensor.dtype.is_floating_point and tensor.element_size() < 4:  # float16, bfloat16
        tensor = tensor.double()
    return tensor.resolve_conj().numpy()


def _number(x):
    """A NumPy scalar as a short Python number for messages."""
    return complex(x) if np.iscomplexobj(x) else float(f"{float(x):.10g}")


def _index(flat: int, shape) -> tuple | int:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if len(shape) else ()


def _values(name: str, actual, expected, tol: Tolerance, image: str | None = None) -> None:
    a = np.asarray(actual)
    e = np.asarray(expected)

    def picture(where) -> dict | None:
        return None if image is None else pictures.plane(name, a, e, where, image)

    if a.dtype == bool or e.dtype == bool or (a.dtype.kind in "iu" and e.dtype.kind in "iu"):
        bad = a != e
        if bad.any():
            flat = int(np.flatnonzero(bad)[0])
            where = _index(flat, a.shape)
            _fail(name, f"{int(bad.sum())} of {a.size} elements differ; first at index {where}: "
                        f"got {a.flat[flat].item()!r}, expected {e.flat[flat].item()!r}", picture(where))
        return
    kind = np.complex128 if np.iscomplexobj(a) or np.iscomplexobj(e) else np.float64
    a = a.astype(kind)
    e = e.astype(kind)
    for what, got, want in (("NaN", np.isnan(a), np.isnan(e)), ("inf", np.isinf(a), np.isinf(e))):
        wrong = got != want
        if wrong.any():
            flat = int(np.flatnonzero(wrong)[0])
            where = _index(flat, a.shape)
            _fail(name, f"{int(wrong.sum())} elements are {what} where the expected value is not (or the reverse); "
                        f"first at index {where}: got {a.flat[flat].item()}, expected {e.flat[flat].item()}",
                  picture(where))
    infinite = np.isinf(e)
    if (a[infinite] != e[infinite]).any():
        flat = int(np.flatnonzero(infinite & (a != e))[0])
        _fail(name, f"infinity of the wrong sign at index {_index(flat, a.shape)}", picture(_index(flat, a.shape)))
    finite = np.isfinite(e)
    err = np.where(finite, np.abs(a - e), 0.0)
    bound = tol.atol + tol.rtol * np.abs(np.where(finite, e, 0.0))
    _observe(err, bound)
    bad = err > bound
    if bad.any():
        excess = np.where(bad, err - bound, -np.inf)
        flat = int(np.argmax(excess))
        where = _index(flat, a.shape)
        got, want, abs_err = _number(a.flat[flat]), _number(e.flat[flat]), float(err.flat[flat])
        rel_err = abs_err / abs(want) if want != 0 else float("inf")
        _fail(name, f"{int(bad.sum())} of {a.size} elements differ beyond rtol={tol.rtol:g}, atol={tol.atol:g}; "
                    f"worst at index {where}: got {got}, expected {want} "
                    f"(abs err {abs_err:.3g}, rel err {rel_err:.3g})", picture(where))
