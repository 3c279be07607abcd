"""Trusted ε- and velocity-models for the sampling graders, which record every call they get.

The graders build them inside the submission's process (`submission.build(...)`), hand
them to a student's sampler and read back with `handle.get(...)` what it fed them, one
entry per call: `inputs` (x), `steps` (t), `labels` (conditional net only) and
`grad_enabled` (whether autograd was on). Comparing these with the calls of a float64
twin driven by the reference names the first step of a trajectory that diverges.

They are small MLPs over the flattened sample rather than diffusion's convolutional
TinyEpsNet: a sampler calls its model once per step, and on the CPU a convolution of
this size costs several times what a Linear layer does per call.

Each net checks its arguments first and raises a ValueError that says what a sampler
must pass: x of the net's dtype and device with `features` elements per sample, t a
(B,) tensor on that device (int64 steps for an ε-model, floating times for a velocity
model), labels a (B,) int64 tensor. `checks=False` leaves the checks out, for the graders'
bad-input tests: there a student's function must raise its own ValueError, not the net's.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def _describe(value) -> str:
    if type(value) is torch.Tensor:
        return f"a {value.dtype} tensor of shape {tuple(value.shape)} on {value.device}"
    return f"a {type(value).__name__}"


def _check_batch_vector(name: str, value, x: torch.Tensor, floating: bool) -> None:
    kind = "floating" if floating else "int64"
    is_tensor = type(value) is torch.Tensor
    ok_dtype = is_tensor and (value.is_floating_point() if floating else value.dtype == torch.int64)
    if not ok_dtype or value.shape != (x.shape[0],) or value.device != x.device:
        raise ValueError(f"model(x, {name}): {name} must be a (B,) = ({x.shape[0]},) {kind} tensor on {x.device}, "
                         f"got {_describe(value)}")


class RecordingEpsNet(nn.Module):
    """ε-model forward(x, t) -> x's shape, for x of shape (B, ...) with `features` elements per sample.

    eps = out(silu(inp(flatten(x)) + time(emb(time_scale · t)))), emb the sinusoidal
    embedding [sin(s·f), cos(s·f)], f_i = exp(−ln(10000) · i/half), of `time_dim` features.
    `float_steps=False`: t is a (B,) int64 tensor of steps; `float_steps=True`: a velocity
    model, t a (B,) floating tensor of times in [0, 1], best with `time_scale=1000` (as
    diffusers' flow pipelines feed 1000 · t) so the output depends on t as an ε-model's does
    on its step. Records every call (see the module docstring); `checks` as there.
    """

    def __init__(self, features: int, hidden: int = 16, time_dim: int = 8, float_steps: bool = False,
                 time_scale: float = 1.0, checks: bool = True):
        super().__init__()
        self.features, self.time_dim = features, time_dim
        self.float_steps, self.time_scale, self.checks = float_steps, time_scale, checks
        self.inp = nn.Linear(features, hidden)
        self.time = nn.Linear(time_dim, hidden)
        self.out = nn.Linear(hidden, features)
        self.inputs: list[torch.Tensor] = []
        self.steps: list[torch.Tensor] = []
        self.grad_enabled: list[bool] = []

    def _check_call(self, x: torch.Tensor, t: torch.Tensor) -> None:
        if not self.checks:
            return
        weight = self.inp.weight
        if type(x) is not torch.Tensor or x.ndim < 2 or x[0].numel() != self.features:
            raise ValueError(f"model(x, t): x must be a (B, ...) tensor with {self.features} elements per sample, "
                             f"got {_describe(x)}")
        if x.dtype != weight.dtype or x.device != weight.device:
            raise ValueError(f"model(x, t): x is {x.dtype} on {x.device}, but the model's parameters are "
                             f"{weight.dtype} on {weight.device}: samples take the dtype and device of the "
                             "model's first parameter")
        _check_batch_vector("t", t, x, self.float_steps)

    def _record(self, x: torch.Tensor, t: torch.Tensor) -> None:
        self.inputs.append(x.detach().clone())
        self.steps.append(t.detach().clone())
        self.grad_enabled.append(torch.is_grad_enabled())

    def _hidden(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        half = self.time_dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=x.dtype, device=x.device) / half)
        angles = (t.to(x.dtype) * self.time_scale)[:, None] * freqs[None, :]
        emb = torch.cat([angles.sin(), angles.cos()], dim=-1)
        return self.inp(x.flatten(1)) + self.time(emb)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        self._check_call(x, t)
        self._record(x, t)
        return self.out(F.silu(self._hidden(x, t))).view_as(x)


class RecordingCondEpsNet(RecordingEpsNet):
    """Class-conditional ε-model forward(x, t, labels) -> x's shape that records every call.

    RecordingEpsNet's layers plus `label`, an nn.Embedding(num_classes + 1, hidden) added to
    the hidden layer; row `num_classes` is the null label of classifier-free guidance.
    """

    def __init__(self, features: int, hidden: int = 16, time_dim: int = 8, num_classes: int = 4, checks: bool = True):
        super().__init__(features, hidden=hidden, time_dim=time_dim, checks=checks)
        self.num_classes = num_classes
        self.label = nn.Embedding(num_classes + 1, hidden)
        self.labels: list[torch.Tensor] = []

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self._check_call(x, t)
        if self.checks:
            self._check_labels(x, labels)
        self._record(x, t)
        self.labels.append(labels.detach().clone())
        return self.out(F.silu(self._hidden(x, t) + self.label(labels))).view_as(x)

    def _check_labels(self, x: torch.Tensor, labels: torch.Tensor) -> None:
        _check_batch_vector("labels", labels, x, floating=False)
        if int(labels.min()) < 0 or int(labels.max()) > self.num_classes:
            raise ValueError(f"model(x, t, labels): labels must lie in [0, {self.num_classes}] "
                             f"({self.num_classes} is the null label), got values in "
                             f"[{int(labels.min())}, {int(labels.max())}]")
