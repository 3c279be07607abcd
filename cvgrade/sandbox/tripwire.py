"""Record calls to a graded function's reference library while that function runs.

`install(names)` replaces each dotted callable (`cv2.Sobel`,
`torch.nn.functional.scaled_dot_product_attention`, `torch.Tensor.softmax`) with
a pass-through wrapper, before the submission is imported, so `from cv2 import
Sobel` binds the wrapper too. `watch(forbidden)` records which of `forbidden` ran
inside the block. Outside a watch the wrappers only pass through, so references
computed by the grader in the same process are not affected.
"""

from __future__ import annotations

import contextlib
import functools
import importlib

_installed: set[str] = set()
_watched: frozenset[str] = frozenset()
_hits: set[str] = set()


def _resolve(dotted: str):
    """(owner, attribute name, current value) for a dotted path, importing the longest module prefix."""
    parts = dotted.split(".")
    if parts[:2] == ["torch", "ops"] and len(parts) > 3:  # torch.ops.<ns>.<op> appears once <ns> is imported
        try:
            importlib.import_module(parts[2])
        except ImportError:
            pass
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            owner = getattr(owner, attr)
        return owner, parts[-1], getattr(owner, parts[-1])
    raise ImportError(f"cannot resolve {dotted!r}")


def _wrap(dotted: str, original):
    """A pass-through wrapper; it keeps no `__wrapped__` link a submission could follow to the original."""
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if dotted in _watched:
            _hits.add(dotted)
        return original(*args, **kwargs)

    del wrapper.__wrapped__
    return wrapper


def install(names) -> None:
    """Wrap each dotted callable once; unknown names raise ImportError/AttributeError."""
    for dotted in sorted(set(names) - _installed):
        owner, attr, original = _resolve(dotted)
        setattr(owner, attr, _wrap(dotted, original))
        _installed.add(dotted)


@contextlib.contextmanager
def watch(forbidden):
    """Yield the set of forbidden names called inside the block (filled on exit)."""
    global _watched
    previous, found = _watched, set()
    _watched = frozenset(forbidden)
    _hits.clear()
    try:
        yield found
    finally:
        found.update(_hits)
        _hits.clear()
        _watched = previous
