"""Structure checks for a student's `nn.Module`: every layer a docstring names, at every position.

They read the leaf-module calls of one forward pass (`Handle.trace`), in the
order they ran, so a layer registered but never used, or used twice, is seen as
it really runs. Modules that only reshape (`SHAPE_ONLY`) are left out. A failure
names the offending layer by its attribute path and shows the whole sequence.

    calls = net.trace(x)["calls"]
    assert_layers(calls, [Layer("Conv2d", stride=(2, 2)), leaky_relu(0.2), ...], "Discriminator")
    assert_activation(calls, "LeakyReLU", lambda x: torch.where(x > 0, x, 0.2 * x), "Discriminator")
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, Callable

SHAPE_ONLY = frozenset({"Identity", "Flatten", "Unflatten"})
POOLING = ("MaxPool", "AvgPool", "AdaptiveMaxPool", "AdaptiveAvgPool", "LPPool", "FractionalMaxPool", "MaxUnpool")
NORMALISATION = ("BatchNorm", "InstanceNorm", "LayerNorm", "GroupNorm", "LocalResponseNorm", "SyncBatchNorm")
_PARAM = re.compile(r"(\w+)=(\([^)]*\)|[^,]+)")
_TOP_LEVEL_COMMA = re.compile(r",(?![^()]*\))")


# the leading settings that these modules' extra_repr() prints without their names
POSITIONAL = {
    **{f"{kind}{d}d": ("in_channels", "out_channels") for kind in ("Conv", "ConvTranspose") for d in (1, 2, 3)},
    **{f"{kind}{d}d": ("num_features",) for kind in ("BatchNorm", "InstanceNorm") for d in (1, 2, 3)},
    "Embedding": ("num_embeddings", "embedding_dim"), "LayerNorm": ("normalized_shape",),
    "GroupNorm": ("num_groups", "num_channels"),
}


def parameters(extra: str, type_name: str | None = None) -> dict[str, Any]:
    """The settings of an `extra_repr()` as Python values ("stride=(2, 2)" -> {"stride": (2, 2)}).

    With the module's `type_name`, the leading unnamed ones too (`POSITIONAL`:
    "11, 16" of an Embedding -> {"num_embeddings": 11, "embedding_dim": 16}).
    """
    found = {}
    tokens = [t.strip() for t in _TOP_LEVEL_COMMA.split(extra) if t.strip()]
    unnamed = [t for t in tokens[:len(POSITIONAL.get(type_name, ()))] if "=" not in t]
    for key, raw in zip(POSITIONAL.get(type_name, ()), unnamed):
        try:
            found[key] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            found[key] = raw
    for key, raw in _PARAM.findall(extra):
        try:
            found[key] = ast.literal_eval(raw.strip())
        except (ValueError, SyntaxError):
            found[key] = raw.strip()
    return found


def describe(call: dict) -> str:
    """`Conv2d(3, 8, kernel_size=(4, 4), ...)` of a call entry."""
    return f"{call['type']}({call['extra']})"


@dataclass(frozen=True)
class Layer:
    """One expected position: a module class name (or a tuple of them) and settings it must have.

    `settings` are compared with the module's `extra_repr()` settings; a setting the
    module does not print takes its default from `defaults` when given.
    """

    type: str | tuple[str, ...]
    settings: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)

    def __init__(self, type: str | tuple[str, ...], defaults: dict | None = None, **settings):
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "settings", settings)
        object.__setattr__(self, "defaults", defaults or {})

    def label(self) -> str:
        names = self.type if isinstance(self.type, str) else " or ".join(self.type)
        wanted = ", ".join(f"{k}={v!r}" for k, v in self.settings.items())
        return f"nn.{names}({wanted})" if wanted else f"nn.{names}"

    def problem(self, call: dict) -> str | None:
        """Why `call` does not fit this position, or None when it does."""
        types = (self.type,) if isinstance(self.type, str) else self.type
        if call["type"] not in types:
            return f"is a {call['type']}, expected {self.label()}"
        given = {**self.defaults, **parameters(call["extra"], call["type"])}
        for key, want in self.settings.items():
            got = given.get(key)
            if not _same(got, want):
                return f"has {key}={got!r}, expected {key}={want!r}"
        return None


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return abs(got - want) <= 1e-12 * max(1.0, abs(want))
    return got == want


def leaky_relu(slope: float) -> Layer:
    """nn.LeakyReLU with `negative_slope` (its extra_repr always prints it)."""
    return Layer("LeakyReLU", negative_slope=slope)


def layers(calls: list[dict], ignore: frozenset[str] = SHAPE_ONLY) -> list[dict]:
    """The calls that count for structure: every leaf call but the shape-only ones."""
    return [c for c in calls if c["type"] not in ignore]


def sequence(calls: list[dict]) -> str:
    """One line listing the layers as they ran, for messages."""
    return ", ".join(f"{c['name'] or '<self>'}: {c['type']}" for c in calls)


def assert_layers(calls: list[dict], expected: list[Layer], what: str, ignore: frozenset[str] = SHAPE_ONLY) -> None:
    """Fail unless the layers that ran are exactly `expected`, position by position; names the first misfit."""
    ran = layers(calls, ignore)
    for i, (call, want) in enumerate(zip(ran, expected)):
        problem = want.problem(call)
        if problem:
            raise AssertionError(f"{what}: layer {i + 1} ({call['name']}) {problem}. Layers as they ran: {sequence(ran)}")
    if len(ran) != len(expected):
        if len(ran) < len(expected):
            missing = ", ".join(w.label() for w in expected[len(ran):])
            raise AssertionError(f"{what}: {len(ran)} layers ran, expected {len(expected)}; missing at the end: "
                                 f"{missing}. Layers as they ran: {sequence(ran)}")
        extra = ", ".join(f"{c['name']} ({c['type']})" for c in ran[len(expected):])
        raise AssertionError(f"{what}: {len(ran)} layers ran, expected {len(expected)}; unexpected after the last: "
                             f"{extra}. Layers as they ran: {sequence(ran)}")


def assert_none_of(calls: list[dict], prefixes: tuple[str, ...], what: str, rule: str) -> None:
    """Fail if any layer's class name starts with one of `prefixes` (e.g. POOLING); `rule` says why."""
    found = [f"{c['name']} ({c['type']})" for c in calls if c["type"].startswith(prefixes)]
    if found:
        raise AssertionError(f"{what}: {', '.join(found)}: {rule}")


def assert_activation(calls: list[dict], type_name: str, expected: Callable, what: str, *,
                      rtol: float, atol: float) -> int:
    """Every call of `type_name` maps its input sample as `expected` does (a behavioural check of its slope, its bound).

    `rtol`, `atol`: the comparison's tolerance (the caller says why). Returns how many calls were checked.
    """
    import torch

    checked = 0
    for call in calls:
        if call["type"] != type_name or call["input"] is None or call["output"] is None:
            continue
        x, y = call["input"].double(), call["output"].double()
        want = expected(x)
        if y.shape != want.shape or not torch.allclose(y, want, rtol=rtol, atol=atol):
            worst = int((y - want).abs().argmax()) if y.shape == want.shape else 0
            raise AssertionError(f"{what}: {call['name']} ({describe(call)}) does not compute what its type says: "
                                 f"input {x[worst].item():.4g} gave {y[worst].item():.4g}, "
                                 f"expected {want[worst].item():.4g}")
        checked += 1
    return checked
