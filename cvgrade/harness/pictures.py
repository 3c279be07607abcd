"""Pictures of a failed image comparison: the student's output, the reference and their difference.

`plane` cuts, from a failed comparison of image-valued arrays, the (H, W) plane
that holds the worst element, downsampled to at most `MAX_SIDE` pixels a side,
as plain JSON data (it travels in the grading report). `render_png` draws it in
the trusted grading process (matplotlib, Agg backend): actual, expected and
|actual − expected| as a heatmap with the worst pixel marked.
"""

from __future__ import annotations

import base64
import io
import math

import numpy as np

MAX_SIDE = 48
LAYOUTS = ("HW", "HWC", "CHW", "BHW", "BCHW", "BHWC")


def check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"image layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")


def plane(name: str, actual: np.ndarray, expected: np.ndarray, worst: tuple, layout: str) -> dict | None:
    """JSON-ready picture of the (H, W) plane through `worst`, or None if the arrays do not fit `layout`."""
    if actual.ndim != len(layout) or actual.shape != expected.shape or len(worst) != actual.ndim:
        return None
    index = tuple(slice(None) if axis in "HW" else worst[i] for i, axis in enumerate(layout))
    a = np.real(actual[index]).astype(np.float64)
    e = np.real(expected[index]).astype(np.float64)
    if layout.index("H") > layout.index("W"):
        a, e = a.T, e.T
    row, col = worst[layout.index("H")], worst[layout.index("W")]
    step = max(1, math.ceil(max(a.shape) / MAX_SIDE))
    where = ", ".join(f"{axis}={worst[i]}" for i, axis in enumerate(layout) if axis not in "HW")
    a, e = _downsample(a, e, step)
    return {"name": name, "plane": where, "step": step, "worst": [row // step, col // step],
            "actual": _rounded(a), "expected": _rounded(e)}


def _downsample(a: np.ndarray, e: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    """Blocks of step×step pixels, each shown by its pixel of largest |a − e|, so no error is lost."""
    if step == 1:
        return a, e
    h, w = -(-a.shape[0] // step) * step, -(-a.shape[1] // step) * step
    pad = ((0, h - a.shape[0]), (0, w - a.shape[1]))
    a, e = np.pad(a, pad, mode="edge"), np.pad(e, pad, mode="edge")
    diff = np.abs(a - e)
    diff[~np.isfinite(diff)] = np.inf
    blocks = lambda x: x.reshape(h // step, step, w // step, step).transpose(0, 2, 1, 3).reshape(h // step, w // step, -1)
    pick = blocks(diff).argmax(-1)[..., None]
    return (np.take_along_axis(blocks(a), pick, -1)[..., 0], np.take_along_axis(blocks(e), pick, -1)[..., 0])


def _rounded(values: np.ndarray) -> list:
    """Nested lists with 4 significant digits; NaN and infinities as None (JSON has no such numbers)."""
    return [[float(f"{v:.4g}") if math.isfinite(v) else None for v in row] for row in values.tolist()]


def _array(rows: list) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=np.float64)


def render_png(picture: dict) -> bytes:
    """PNG bytes of a picture from `plane`: three panels, the worst pixel circled in each."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    actual, expected = _array(picture["actual"]), _array(picture["expected"])
    diff = np.abs(actual - expected)
    finite = np.concatenate([actual[np.isfinite(actual)], expected[np.isfinite(expected)]])
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    figure = Figure(figsize=(7.2, 2.6), dpi=80)
    row, col = picture["worst"]
    panels = (("your output", actual, "gray", low, high), ("expected", expected, "gray", low, high),
              ("|difference|", diff, "magma", 0.0, float(np.nanmax(diff)) if np.isfinite(diff).any() else 1.0))
    for i, (title, values, cmap, vmin, vmax) in enumerate(panels):
        axes = figure.add_subplot(1, 3, i + 1)
        shown = axes.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1, interpolation="nearest")
        axes.scatter([col], [row], s=90, facecolors="none", edgecolors="#19d3f3", linewidths=1.5)
        axes.set_title(title, fontsize=9)
        axes.set_xticks([]), axes.set_yticks([])
        figure.colorbar(shown, ax=axes, fraction=0.046, pad=0.04).ax.tick_params(labelsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def data_uri(picture: dict) -> str:
    """The picture as an inline `data:image/png;base64,...` URI."""
    return "data:image/png;base64," + base64.b64encode(render_png(picture)).decode("ascii")
