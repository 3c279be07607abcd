"""Trusted references for the `attention` graders, built on torch.nn.functional and timm.

Graders call these on float64 copies of the inputs, in the grading process.
"""

import math

import torch
import torch.nn.functional as F
from timm.layers import PatchEmbed
from timm.models.vision_transformer import Attention


def softmax(x, dim):
    return torch.softmax(x, dim=dim)


def sdpa_out(q, k, v, mask=None, is_causal=False):
    """PyTorch's fused attention output (no weights)."""
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=is_causal)


def sdpa_weights(q, k, mask=None):
    """softmax(q kᵀ / √d) with masked-out (False) positions at -inf before the softmax."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def timm_attention(dim, num_heads, qkv_bias=True, seed=0):
    """timm's ViT `Attention` with weights drawn from `seed` (float32, CPU, eval mode)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Attention(dim, num_heads=num_heads, qkv_bias=qkv_bias).eval()


def timm_attention_weights(module, x):
    """The (B, heads, N, N) attention weights inside timm's `Attention` for input x (timm's own qkv split)."""
    B, N, C = x.shape
    qkv = module.qkv(x).reshape(B, N, 3, module.num_heads, module.head_dim).permute(2, 0, 3, 1, 4)
    q, k, _ = qkv.unbind(0)
    return torch.softmax(q * module.scale @ k.transpose(-2, -1), dim=-1)


def timm_patch_embed(img_size, patch_size, in_chans, embed_dim, seed=0):
    """timm's `PatchEmbed` with weights drawn from `seed` (float32, CPU)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return PatchEmbed(img_size, patch_size, in_chans, embed_dim)


def unfold_patches(images, patch_size):
    """(B, N, C·P·P) patches through F.unfold, which flattens each patch in (C, P, P) order."""
    return F.unfold(images, patch_size, stride=patch_size).transpose(1, 2)


def conv_patch_embed(images, weight, bias, patch_size):
    """Conv2d(C, D, P, stride=P) flattened to (B, N, D)."""
    return F.conv2d(images, weight, bias, stride=patch_size).flatten(2).transpose(1, 2)


def cls_attention_map(weights, grid_size, image_size):
    """CLS query row over the patch keys, head mean, grid reshape, F.interpolate(bilinear, align_corners=False)."""
    gh, gw = grid_size
    grid = weights[:, :, 0, 1:].mean(dim=1).reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=False)[:, 0]
