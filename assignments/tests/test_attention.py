"""Public tests for attention.py: small examples you can check by hand. Run with `pytest tests/test_attention.py`."""

import math

import pytest
import torch

import attention


def test_softmax_of_equal_logits_is_uniform():
    p = attention.softmax(torch.zeros(2, 4))
    assert torch.allclose(p, torch.full((2, 4), 0.25)), f"softmax of 4 equal logits is 1/4 each, got {p.tolist()}"


def test_softmax_survives_huge_logits():
    p = attention.softmax(torch.tensor([[1e4, 1e4 - math.log(3.0)]], dtype=torch.float64))
    assert torch.isfinite(p).all(), f"softmax([1e4, 1e4 - ln 3]) must be finite, got {p.tolist()}: subtract the max"
    assert torch.allclose(p, torch.tensor([[0.75, 0.25]], dtype=torch.float64)), f"expected [0.75, 0.25] (e^0 : e^-ln3 = 3 : 1), got {p.tolist()}"


def test_sdpa_with_one_key_copies_its_value():
    q, k = torch.randn(3, 4), torch.randn(1, 4)
    v = torch.tensor([[2.0, -1.0]])
    out, weights = attention.scaled_dot_product_attention(q, k, v)
    assert weights.shape == (3, 1) and torch.allclose(weights, torch.ones(3, 1)), \
        f"with one key every weight is 1, got {weights.tolist()}"
    assert torch.allclose(out, v.expand(3, 2)), f"every query should get v = [2, -1], got {out.tolist()}"


def test_sdpa_scales_by_sqrt_d():
    # d = 4, q·k0 = 4 and q·k1 = 0: scores 4/√4 = 2 and 0, so weights are softmax([2, 0]).
    q = torch.tensor([[1.0, 1.0, 1.0, 1.0]])
    k = torch.tensor([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
    _, weights = attention.scaled_dot_product_attention(q, k, torch.eye(2))
    expected = torch.softmax(torch.tensor([[2.0, 0.0]]), dim=-1)
    assert torch.allclose(weights, expected), f"expected softmax([2, 0]) = {expected.tolist()}, got {weights.tolist()}"


def test_sdpa_mask_false_means_cannot_attend():
    q, k, v = torch.randn(2, 3), torch.randn(2, 3), torch.tensor([[1.0], [5.0]])
    mask = torch.tensor([True, False])  # broadcast over queries: nobody may look at key 1
    out, weights = attention.scaled_dot_product_attention(q, k, v, mask)
    assert torch.allclose(weights, torch.tensor([[1.0, 0.0], [1.0, 0.0]])), \
        f"mask False (key 1) must get weight 0 (True = may attend), got {weights.tolist()}"
    assert torch.allclose(out, torch.ones(2, 1)), f"only v[0] = 1 is visible, got {out.tolist()}"


def test_multi_head_attention_shapes_and_parameter_names():
    mhsa = attention.MultiHeadSelfAttention(dim=8, num_heads=2)
    assert sorted(mhsa.state_dict()) == ["proj.bias", "proj.weight", "qkv.bias", "qkv.weight"]
    x = torch.randn(3, 5, 8)
    out, weights = mhsa(x, return_attention=True)
    assert out.shape == (3, 5, 8), f"out should be (B, N, dim) = (3, 5, 8), got {tuple(out.shape)}"
    assert weights.shape == (3, 2, 5, 5), f"weights should be (B, heads, N, N) = (3, 2, 5, 5), got {tuple(weights.shape)}"
    assert torch.allclose(weights.sum(-1), torch.ones(3, 2, 5)), "every attention row should sum to 1"


def test_multi_head_attention_rejects_indivisible_dim():
    with pytest.raises(ValueError):
        attention.MultiHeadSelfAttention(dim=10, num_heads=3)


def test_patchify_order_on_a_tiny_image():
    # One 2-channel 2x4 image, patch 2: two patches, left then right, each flattened channel by channel.
    image = torch.arange(16.0).reshape(1, 2, 2, 4)
    patches = attention.patchify(image, 2)
    expected = torch.tensor([[[0.0, 1, 4, 5, 8, 9, 12, 13], [2.0, 3, 6, 7, 10, 11, 14, 15]]])
    assert torch.equal(patches, expected), f"expected (C, P, P) order {expected.tolist()}, got {patches.tolist()}"


def test_patchify_rejects_indivisible_image():
    with pytest.raises(ValueError):
        attention.patchify(torch.zeros(1, 3, 10, 8), 4)


def test_patch_embedding_output_shape():
    embed = attention.PatchEmbedding(img_size=8, patch_size=4, in_chans=3, embed_dim=6)
    assert embed.num_patches == 4 and isinstance(embed.proj, torch.nn.Conv2d)
    assert embed(torch.zeros(2, 3, 8, 8)).shape == (2, 4, 6)


def test_cls_attention_map_of_one_hot_cls_row():
    # 1 + 4 tokens; the CLS token (row 0) attends only to patch 3 (bottom-right of a 2x2 grid) in every head.
    weights = torch.zeros(1, 2, 5, 5)
    weights[:, :, 0, 4] = 1.0
    heat = attention.cls_attention_map(weights, (2, 2), (2, 2))
    assert torch.allclose(heat, torch.tensor([[[0.0, 0.0], [0.0, 1.0]]])), \
        f"at the grid's own size the map is the CLS row over the patches, got {heat.tolist()}"
