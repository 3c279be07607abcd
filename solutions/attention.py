"""Attention and the Vision Transformer front end (spec §2).

Scaled dot-product attention lets every query position take a weighted average
of the values, with weights given by how well the query matches each key. A
Vision Transformer cuts an image into patches, embeds each patch as a token and
runs multi-head self-attention over the tokens; the attention of the CLS token
over the patches shows where the model "looks". Every function keeps the device
and dtype of its inputs.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def _pair(value, name):
    """(h, w) from an int or a pair of positive ints."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in pair):
        raise ValueError(f"{name} must be a positive int or a pair of positive ints, got {value!r}")
    return pair


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """exp(x) / sum(exp(x)) along `dim`, computed stably (finite for logits of ±1e4): subtract the max first."""
    ### BEGIN SOLUTION
    shifted = x - x.amax(dim=dim, keepdim=True)
    exp = shifted.exp()
    return exp / exp.sum(dim=dim, keepdim=True)
    ### END SOLUTION


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (out, weights): weights = softmax(q kᵀ / √d) of shape (..., Lq, Lk) and out = weights v (..., Lq, dv).

    q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv). `mask` is a bool tensor
    broadcastable to (..., Lq, Lk); True means "may attend" (positions where it is
    False get weight 0). Inputs of rank < 2, q and k with different d, k and v with
    different Lk, or a mask that is not bool or does not broadcast: ValueError.
    """
    ### BEGIN SOLUTION
    if q.dim() < 2 or k.dim() < 2 or v.dim() < 2:
        raise ValueError("q, k and v must have at least 2 dimensions (..., L, d)")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last dim d, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same length Lk, got {k.shape[-2]} and {v.shape[-2]}")
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        if mask.dtype != torch.bool:
            raise ValueError(f"mask must be a bool tensor (True = may attend), got dtype {mask.dtype}")
        try:
            torch.broadcast_shapes(mask.shape, scores.shape)
        except RuntimeError:
            raise ValueError(f"mask of shape {tuple(mask.shape)} does not broadcast to the scores' shape "
                             f"{tuple(scores.shape)}") from None
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = softmax(scores, dim=-1)
    return weights @ v, weights
    ### END SOLUTION


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention with the parameter layout of timm's `vision_transformer.Attention`.

    `qkv` = Linear(dim, 3·dim) whose output splits as (3, heads, head_dim), `proj` =
    Linear(dim, dim). `dim` not divisible by `num_heads`: ValueError.
    """

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True):
        super().__init__()
        ### BEGIN SOLUTION
        if num_heads < 1 or dim % num_heads != 0:
            raise ValueError(f"dim ({dim}) must be divisible by num_heads ({num_heads})")
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        ### END SOLUTION

    def forward(self, x: torch.Tensor, return_attention: bool = False):
        """x (B, N, dim) -> (B, N, dim); with `return_attention`, (out, weights (B, heads, N, N))."""
        ### BEGIN SOLUTION
        if x.dim() != 3:
            raise ValueError(f"x must have shape (B, N, dim), got {tuple(x.shape)}")
        B, N, dim = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        out, weights = scaled_dot_product_attention(q, k, v)
        out = self.proj(out.transpose(1, 2).reshape(B, N, dim))
        return (out, weights) if return_attention else out
        ### END SOLUTION


def patchify(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Cut (B, C, H, W) images into non-overlapping P×P patches: (B, N, C·P·P).

    Patches in row-major order (left to right, then top to bottom), each flattened
    in (C, P, P) order, so a Conv2d(C, D, P, stride=P) equals
    patchify(x) @ W.reshape(D, -1).T + b. Images not 4-D, or H or W not divisible
    by `patch_size`: ValueError.
    """
    ### BEGIN SOLUTION
    if images.dim() != 4:
        raise ValueError(f"images must have shape (B, C, H, W), got {tuple(images.shape)}")
    B, C, H, W = images.shape
    P = patch_size
    if P < 1 or H % P or W % P:
        raise ValueError(f"image height {H} and width {W} must be divisible by patch_size {P}")
    patches = images.reshape(B, C, H // P, P, W // P, P).permute(0, 2, 4, 1, 3, 5)
    return patches.reshape(B, (H // P) * (W // P), C * P * P)
    ### END SOLUTION


class PatchEmbedding(nn.Module):
    """ViT patch embedding with the layout of `timm.layers.PatchEmbed`: a P×P convolution with stride P.

    `proj` = Conv2d(in_chans, embed_dim, patch_size, stride=patch_size),
    `num_patches` = (img_size // patch_size)²; forward (B, C, H, W) -> (B, N, embed_dim).
    """

    def __init__(self, img_size: int, patch_size: int, in_chans: int, embed_dim: int):
        super().__init__()
        ### BEGIN SOLUTION
        if img_size % patch_size:
            raise ValueError(f"img_size {img_size} must be divisible by patch_size {patch_size}")
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, patch_size, stride=patch_size)
        ### END SOLUTION

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return self.proj(x).flatten(2).transpose(1, 2)
        ### END SOLUTION


def cls_attention_map(weights: torch.Tensor, grid_size, image_size) -> torch.Tensor:
    """Where the CLS token looks: (B, H_img, W_img) from ViT attention weights (B, heads, 1+N, 1+N).

    Take the CLS row (query 0) over the N patch keys (CLS key excluded), average
    over heads, reshape to `grid_size` (gh, gw) with gh·gw = N, and resize
    bilinearly (align_corners=False) to `image_size` (H_img, W_img). Weights not
    4-D or not square, or N ≠ gh·gw: ValueError.
    """
    ### BEGIN SOLUTION
    gh, gw = _pair(grid_size, "grid_size")
    size = _pair(image_size, "image_size")
    if weights.dim() != 4 or weights.shape[-1] != weights.shape[-2]:
        raise ValueError(f"weights must have shape (B, heads, 1+N, 1+N), got {tuple(weights.shape)}")
    if weights.shape[-1] != 1 + gh * gw:
        raise ValueError(f"weights cover {weights.shape[-1] - 1} patches, but grid_size {(gh, gw)} has {gh * gw}")
    cls_row = weights[:, :, 0, 1:].mean(dim=1)
    grid = cls_row.reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=size, mode="bilinear", align_corners=False)[:, 0]
    ### END SOLUTION
