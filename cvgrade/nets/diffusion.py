"""Small trusted ε-models that the diffusion graders build inside the submission's process."""

import math

import torch
from torch import nn
from torch.nn import functional as F


class TinyEpsNet(nn.Module):
    """ε-model for (B, C, H, W) images: forward(x_t, t) -> eps of x_t's shape.

    Two 3×3 convolutions; a sinusoidal embedding of the (B,) steps `t`, projected to
    `hidden` channels, is added between them, so the output depends on both inputs.
    """

    def __init__(self, channels: int = 1, hidden: int = 16, time_dim: int = 16):
        super().__init__()
        self.time_dim = time_dim
        self.time = nn.Linear(time_dim, hidden)
        self.conv_in = nn.Conv2d(channels, hidden, 3, padding=1)
        self.conv_out = nn.Conv2d(hidden, channels, 3, padding=1)

    def forward(self, x_t: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        half = self.time_dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=x_t.dtype, device=x_t.device) / half)
        angles = t.to(x_t.dtype)[:, None] * freqs[None, :]
        emb = torch.cat([angles.sin(), angles.cos()], dim=-1)
        h = F.silu(self.conv_in(x_t) + self.time(emb)[:, :, None, None])
        return self.conv_out(h)
