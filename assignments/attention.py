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
    raise NotImplementedError("attention.softmax: not implemented yet")


def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (out, weights): weights = softmax(q kᵀ / √d) of shape (..., Lq, Lk) and out = weights v (..., Lq, dv).

    q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv). `mask` is a bool tensor
    broadcastable to (..., Lq, Lk); True means "may attend" (positions where it is
    False get weight 0). Inputs of rank < 2, q and k with different d, k and v with
    different Lk, or a mask that is not bool or does not broadcast: ValueError.
    """
    raise NotImplementedError("attention.scaled_dot_product_attention: not implemented yet")


class MultiHeadSelfAttention(nn.Module):
    """Multi-head self-attention with the parameter layout of timm's `vision_transformer.Attention`.

    `qkv` = Linear(dim, 3·dim) whose output splits as (3, heads, head_dim), `proj` =
    Linear(dim, dim). `dim` not divisible by `num_heads`: ValueError.
    """

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True):
        super().__init__()
        raise NotImplementedError("attention.MultiHeadSelfAttention.__init__: not implemented yet")

    def forward(self, x: torch.Tensor, return_attention: bool = False):
        """x (B, N, dim) -> (B, N, dim); with `return_attention`, (out, weights (B, heads, N, N))."""
        raise NotImplementedError("attention.MultiHeadSelfAttention.forward: not implemented yet")


def patchify(images: torch.Tensor, patch_size: int) -> torch.Tensor:
    """Cut (B, C, H, W) images into non-overlapping P×P patches: (B, N, C·P·P).

    Patches in row-major order (left to right, then top to bottom), each flattened
    in (C, P, P) order, so a Conv2d(C, D, P, stride=P) equals
    patchify(x) @ W.reshape(D, -1).T + b. Images not 4-D, or H or W not divisible
    by `patch_size`: ValueError.
    """
    raise NotImplementedError("attention.patchify: not implemented yet")


class PatchEmbedding(nn.Module):
    """ViT patch embedding with the layout of `timm.layers.PatchEmbed`: a P×P convolution with stride P.

    `proj` = Conv2d(in_chans, embed_dim, patch_size, stride=patch_size),
    `num_patches` = (img_size // patch_size)²; forward (B, C, H, W) -> (B, N, embed_dim).
    """

    def __init__(self, img_size: int, patch_size: int, in_chans: int, embed_dim: int):
        super().__init__()
        raise NotImplementedError("attention.PatchEmbedding.__init__: not implemented yet")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("attention.PatchEmbedding.forward: not implemented yet")


def cls_attention_map(weights: torch.Tensor, grid_size, image_size) -> torch.Tensor:
    """Where the CLS token looks: (B, H_img, W_img) from ViT attention weights (B, heads, 1+N, 1+N).

    Take the CLS row (query 0) over the N patch keys (CLS key excluded), average
    over heads, reshape to `grid_size` (gh, gw) with gh·gw = N, and resize
    bilinearly (align_corners=False) to `image_size` (H_img, W_img). Weights not
    4-D or not square, or N ≠ gh·gw: ValueError.
    """
    raise NotImplementedError("attention.cls_attention_map: not implemented yet")
