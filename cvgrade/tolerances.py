"""The one table of numeric tolerances, with a named profile per device.

A comparison looks up `(rtol, atol)` by the device the result was computed on
(NumPy results: cpu) and the dtype it must have. Named
entries cover results that accumulate over many elements ("reduction": sums,
losses, means). The CUDA profile is looser for float32 because cuBLAS/cuDNN may
reorder reductions; TF32 is switched off while grading, so it need not cover that.

Each entry is what a correct implementation in that dtype can be held to on
well-scaled inputs (|x| of order 1, a few dozen operations per element), with
the reason beside it. Where the error of a correct result grows with the size
of the input (softmax of logits near 1e4 in float32: each logit carries an
absolute rounding error of |x|·eps ≈ 6e-4, which the exponential turns into a
relative error of the same size), a grader widens the entry with
`conditioned(...)` instead of loosening the table.
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
        "float64": Tolerance(1e-9, 1e-11),            # eps 2.2e-16: 1e-9 leaves 10^6 ulps for a different operation order
        "float32": Tolerance(1e-5, 1e-6),             # eps 1.2e-7: ~80 ulps, a chain of dozens of rounded operations
        "float16": Tolerance(1e-3, 1e-3),             # eps 9.8e-4: about one ulp of the result
        "bfloat16": Tolerance(1e-2, 1e-2),            # eps 7.8e-3: about one ulp of the result
        "complex128": Tolerance(1e-9, 1e-11),         # as float64
        "complex64": Tolerance(1e-5, 1e-6),           # as float32
        "reduction.float64": Tolerance(1e-8, 1e-10),  # a sum of n terms errs by up to n·eps·Σ|x|: 1e-8 covers n ~ 10^5
        "reduction.float32": Tolerance(1e-4, 1e-5),   # the same bound in float32 for n ~ 10^3 (sums, means, losses)
    },
    "cuda": {
        "float64": Tolerance(1e-9, 1e-11),            # float64 kernels round as the CPU does
        "float32": Tolerance(1e-4, 1e-5),             # cuBLAS/cuDNN split and reorder reductions (no TF32: it is off)
        "float16": Tolerance(5e-3, 5e-3),             # half-precision kernels accumulate in other orders
        "bfloat16": Tolerance(2e-2, 2e-2),            # likewise, with 8 bits of mantissa
        "complex128": Tolerance(1e-9, 1e-11),         # as float64
        "complex64": Tolerance(1e-4, 1e-5),           # as float32
        "reduction.float64": Tolerance(1e-8, 1e-10),  # as on the CPU
        "reduction.float32": Tolerance(5e-4, 5e-5),   # tree reductions over blocks: 5x the CPU bound
    },
}

EPS = {"float64": 2.220446049250313e-16, "float32": 1.1920928955078125e-07, "float16": 9.765625e-04,
       "bfloat16": 7.8125e-03, "complex128": 2.220446049250313e-16, "complex64": 1.1920928955078125e-07}


def conditioned(device_type: str, dtype_name: str, magnitude: float, ulps: float = 4.0,
                kind: str | None = None) -> Tolerance:
    """The profile's entry, widened to what inputs of size `magnitude` carry: rtol >= ulps · eps · magnitude.

    For results whose relative error grows with the input's magnitude: a
    correctly rounded input x carries an absolute error of |x|·eps, and
    exp, softmax, log-sum-exp and sigmoid turn it into a relative error of the
    same size in the result. `ulps` covers the few roundings on the way.
    """
    base = lookup(device_type, dtype_name, kind)
    return Tolerance(max(base.rtol, ulps * EPS[dtype_name] * magnitude), base.atol)


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
