"""The one table of numeric tolerances, with a named profile per device.

A comparison looks up `(rtol, atol)` by the device the result was computed on
(NumPy results: cpu) and the dtype it must have. Named
entries cover results that accumulate over many elements ("reduction": sums,
losses, means). The CUDA profile is looser for float32 because cuBLAS/cuDNN may
reorder reductions; TF32 is switched off while grading, so it need not cover that.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tolerance:
    """Elementwise bound: |actual - expected| <= atol + rtol * |expected|."""

    rtol: float
    atol: float


EXACT = Tolerance(0.0, 0.0)

PROFILES: dict[str, dict[str, Tolerance]] = {
    "cpu": {
        "float64": Tolerance(1e-9, 1e-11),
        "float32": Tolerance(1e-5, 1e-6),
        "float16": Tolerance(1e-3, 1e-3),
        "bfloat16": Tolerance(1e-2, 1e-2),
        "complex128": Tolerance(1e-9, 1e-11),
        "complex64": Tolerance(1e-5, 1e-6),
        "reduction.float64": Tolerance(1e-8, 1e-10),
        "reduction.float32": Tolerance(1e-4, 1e-5),
    },
    "cuda": {
        "float64": Tolerance(1e-9, 1e-11),
        "float32": Tolerance(1e-4, 1e-5),
        "float16": Tolerance(5e-3, 5e-3),
        "bfloat16": Tolerance(2e-2, 2e-2),
        "complex128": Tolerance(1e-9, 1e-11),
        "complex64": Tolerance(1e-4, 1e-5),
        "reduction.float64": Tolerance(1e-8, 1e-10),
        "reduction.float32": Tolerance(5e-4, 5e-5),
    },
}

def lookup(device_type: str, dtype_name: str, kind: str | None = None) -> Tolerance:
    """Tolerance for a result of `dtype_name` computed on `device_type`; exact for ints and bools.

    `kind` names an entry such as "reduction" (looked up as "reduction.float32").
    """
    table = PROFILES["cuda" if device_type == "cuda" else "cpu"]
    if dtype_name not in table:
        return EXACT
    if kind is None:
        return table[dtype_name]
    key = f"{kind}.{dtype_name}"
    if key not in table:
        raise KeyError(f"no tolerance {key!r} in the {device_type} profile")
    return table[key]
