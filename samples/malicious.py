"""A cheating tail, appended to a topic's student stub: it deserves 0 points and must harm nothing.

At import it prints a fake perfect result, plants fake report files wherever it
can write, patches the comparison functions it can reach, and replaces every
function of the module with one that returns an array that claims to equal
anything. None of this reaches the grading process: results are compared there,
with exact type checks, and reports are written only there.
"""

import json as _json
import os as _os
import sys as _sys
import types as _types

import numpy as _np


class _EqualsEverything(_np.ndarray):
    """An array subclass whose comparisons always say 'equal'."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def _cheat(*args, **kwargs):
    return _np.zeros(3).view(_EqualsEverything)


_FAKE = {"score": 100, "max_score": 100, "status": "ok", "tests": []}
print("cvgrade: 100/100 points (all graded tests passed)")
print(_json.dumps(_FAKE))
for _folder in {_os.getcwd(), _os.path.expanduser("~"), _os.environ.get("TMPDIR", "/tmp"), "/tmp"}:
    for _name in ("report.json", "cvgrade-report.json", "results.json"):
        try:
            with open(_os.path.join(_folder, _name), "w") as _file:
                _json.dump(_FAKE, _file)
        except OSError:
            pass

_np.allclose = lambda *a, **k: True
_np.array_equal = lambda *a, **k: True
try:
    import torch as _torch

    _torch.allclose = lambda *a, **k: True
    _torch.equal = lambda *a, **k: True
except ImportError:
    pass

for _name, _value in list(globals().items()):
    if isinstance(_value, _types.FunctionType) and _value.__module__ == __name__ and not _name.startswith("_"):
        globals()[_name] = _cheat
_sys.stdout.flush()
