"""Hidden graders for `attention` (spec §2), against torch.nn.functional and timm in float64.

Seeds are fixed per case and appear in the test ids; the tensors of one case use
consecutive seeds (seed, seed + 1, ...), so no two inputs are equal. References
run on CPU in float64 and are moved to the grading device, so every comparison
also checks that the result stayed on the device of the inputs.
"""

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn
from cvgrade.structure import SHAPE_ONLY, Layer, assert_layers, layers
from cvgrade.tolerances import conditioned
from reference import attention as ref

TOPIC = "attention"
GRADED_ALIASES = {"mhsa": "MultiHeadSelfAttention", "sdpa": "scaled_dot_product_attention"}  # test-name prefixes -> the graded name they check (feedback groups)
_SDPA = ["torch.nn.functional.scaled_dot_product_attention", "torch.nn.functional.multi_head_attention_forward"]
REFERENCE_CALLS = {
    "softmax": ["torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.special.softmax",
                "torch.log_softmax", "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax"],
    "scaled_dot_product_attention": _SDPA,
    "MultiHeadSelfAttention": _SDPA + ["timm.models.vision_transformer.Attention.forward",
                                       "torch.nn.MultiheadAttention.forward"],
    "patchify": ["torch.nn.functional.unfold", "torch.nn.functional.conv2d", "torch.conv2d"],
    "PatchEmbedding": ["timm.layers.PatchEmbed.forward"],
}

DTYPES = [torch.float32, torch.float64]


def _expected(tensor, device):
    """A float64 CPU reference result moved to the grading device."""
    return tensor.detach().to(device)


# -- softmax --------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,shape,dim", [(0, (4, 7), -1), (10, (3, 5, 6), 1)])
def test_softmax_matches_torch(submission, device, dtype, seed, shape, dim):
    x = 3 * randn(*shape, seed=seed, dtype=dtype, device=device)
    got = submission.call("softmax", x, dim=dim)
    assert_close(got, _expected(ref.softmax(x.double().cpu(), dim), device), dtype=dtype, name="softmax(x)")


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,offset,spread,dtype", [
    (20, 1e4, 3.0, torch.float32),   # all logits near +1e4: a naive exp overflows to inf
    (30, -1e4, 3.0, torch.float64),  # all near -1e4: a naive exp underflows to 0 (0 / 0)
    (40, 0.0, 1e4, torch.float32),   # rows of very different scale: the max must be per row
])
def test_softmax_is_stable_for_huge_logits(submission, device, seed, offset, spread, dtype):
    # exp(±1e4) overflows/underflows even in float64, so only a shifted softmax (by the row max, or through
    # logsumexp) stays finite. A logit near 1e4 carries |x|·eps of rounding in the input's dtype, which exp turns
    # into a relative error of the same size: the tolerance is scaled by the largest |logit| (conditioned).
    x = offset + spread * randn(5, 8, seed=seed, dtype=dtype, device=device)
    got = submission.call("softmax", x)
    dtype_name = str(dtype).removeprefix("torch.")
    tol = conditioned(device.type, dtype_name, float(x.abs().max()))
    assert_close(got, _expected(ref.softmax(x.double().cpu(), -1), device), dtype=dtype, name="softmax(x)", tol=tol)
    assert_close(got.sum(-1), torch.ones(5, dtype=dtype, device=device), name="row sums", tol=tol)


# -- scaled_dot_product_attention -----------------------------------------------------------

def _qkv(batch, lq, lk, d, dv, seed, dtype, device):
    return (randn(*batch, lq, d, seed=seed, dtype=dtype, device=device),
            randn(*batch, lk, d, seed=seed + 1, dtype=dtype, device=device),
            randn(*batch, lk, dv, seed=seed + 2, dtype=dtype, device=device))


def _check_sdpa(submission, device, dtype, q, k, v, mask=None, is_causal=False):
    out, weights = submission.call("scaled_dot_product_attention", q, k, v, mask)
    q64, k64, v64 = (t.double().cpu() for t in (q, k, v))
    mask_cpu = None if mask is None or is_causal else mask.cpu()
    ref_out = ref.sdpa_out(q64, k64, v64, mask_cpu, is_causal=is_causal)
    ref_w = ref.sdpa_weights(q64, k64, None if mask is None else mask.cpu())
    assert_close(weights, _expected(ref_w, device), dtype=dtype, name="weights")
    assert_close(out, _expected(ref_out, device), dtype=dtype, name="out")
    return weights


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,batch,lq,lk,d,dv", [
    (0, (), 7, 3, 4, 5),           # no batch dims
    (10, (2,), 5, 5, 8, 8),        # batched
    (20, (2, 3), 4, 6, 8, 5),      # batch and heads, Lq != Lk, dv != d
])
def test_sdpa_without_mask(submission, device, dtype, seed, batch, lq, lk, d, dv):
    _check_sdpa(submission, device, dtype, *_qkv(batch, lq, lk, d, dv, seed, dtype, device))


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,mask_shape,dtype", [
    (30, (2, 3, 4, 5), torch.float32),   # one mask per batch and head
    (40, (2, 1, 4, 5), torch.float64),   # broadcast over heads
    (50, (4, 5), torch.float32),         # one mask for everything
    (60, (2, 1, 1, 5), torch.float64),   # key padding: broadcast over heads and queries
])
def test_sdpa_with_broadcast_bool_mask(submission, device, seed, mask_shape, dtype):
    q, k, v = _qkv((2, 3), 4, 5, 8, 6, seed, dtype, device)
    mask = randint(0, 10, mask_shape, seed=seed + 3, device=device) < 6
    mask[..., 0] = True  # every query may attend to at least one key (no all-masked rows)
    weights = _check_sdpa(submission, device, dtype, q, k, v, mask)
    blocked = ~mask.expand_as(weights)
    assert_equal(weights[blocked], torch.zeros(int(blocked.sum()), dtype=dtype, device=device),
                 name="weights where mask is False")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sdpa_with_causal_mask(submission, device, dtype):
    q, k, v = _qkv((2, 2), 6, 6, 8, 8, 70, dtype, device)
    causal = torch.ones(6, 6, dtype=torch.bool, device=device).tril()
    _check_sdpa(submission, device, dtype, q, k, v, causal, is_causal=True)


@pytest.mark.points(1)
@pytest.mark.parametrize("what,shapes", [
    ("d of q and k differ", ((2, 4, 8), (2, 5, 6), (2, 5, 3))),
    ("Lk of k and v differ", ((2, 4, 8), (2, 5, 8), (2, 6, 3))),
])
def test_sdpa_rejects_mismatched_shapes(submission, device, what, shapes):
    q, k, v = (randn(*shape, seed=80 + i, device=device) for i, shape in enumerate(shapes))
    with pytest.raises(ValueError):
        submission.call("scaled_dot_product_attention", q, k, v)


# -- MultiHeadSelfAttention -----------------------------------------------------------------

def _student_attention(submission, timm_module, dim, heads, qkv_bias, dtype, device):
    """The student's module holding timm's weights, on the device and dtype of the test."""
    h = submission.new("MultiHeadSelfAttention", dim, heads, qkv_bias=qkv_bias)
    h.load_state_dict(dict(timm_module.state_dict()))  # plain dict: the wire sends no OrderedDict
    return h.method("to", device=device, dtype=dtype)


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("seed,batch,tokens,dim,heads", [(0, 2, 5, 16, 4), (10, 3, 9, 24, 2)])
def test_mhsa_matches_timm_with_timm_weights(submission, device, dtype, seed, batch, tokens, dim, heads):
    timm_module = ref.timm_attention(dim, heads, seed=seed)
    h = _student_attention(submission, timm_module, dim, heads, True, dtype, device)
    x = randn(batch, tokens, dim, seed=seed + 1, dtype=dtype, device=device)
    want = timm_module.double()(x.double().cpu())
    assert_close(h(x), _expected(want, device), dtype=dtype, name="MultiHeadSelfAttention(x)")


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_mhsa_returns_timm_attention_weights(submission, device, dtype):
    timm_module = ref.timm_attention(32, 4, seed=20)
    h = _student_attention(submission, timm_module, 32, 4, True, dtype, device)
    x = randn(2, 7, 32, seed=21, dtype=dtype, device=device)
    result = h(x, return_attention=True)
    assert type(result) is tuple and len(result) == 2, "forward(x, return_attention=True) must return (out, weights)"
    out, weights = result
    timm_module.double()
    assert_close(out, _expected(timm_module(x.double().cpu()), device), dtype=dtype, name="out")
    assert_close(weights, _expected(ref.timm_attention_weights(timm_module, x.double().cpu()), device),
                 dtype=dtype, name="weights (B, heads, N, N)")


@pytest.mark.points(2)
@pytest.mark.parametrize("qkv_bias", [True, False])
def test_mhsa_state_dict_loads_into_timm(submission, device, qkv_bias):
    h = submission.new("MultiHeadSelfAttention", 16, 2, qkv_bias=qkv_bias)
    state = h.state_dict()
    timm_module = ref.timm_attention(16, 2, qkv_bias=qkv_bias, seed=30)
    want_keys = sorted(timm_module.state_dict())
    assert sorted(state) == want_keys, f"state_dict keys: expected timm's {want_keys}, got {sorted(state)}"
    timm_module.load_state_dict(state)
    h.method("to", device=device, dtype=torch.float64)
    x = randn(2, 6, 16, seed=31, dtype=torch.float64, device=device)
    want = timm_module.double()(x.cpu())
    assert_close(h(x), _expected(want, device), name="MultiHeadSelfAttention(x) with its own weights")


@pytest.mark.points(2)
def test_mhsa_parameter_gradients_match_timm(submission, device):
    timm_module = ref.timm_attention(16, 4, seed=40).double()
    h = _student_attention(submission, timm_module, 16, 4, True, torch.float64, device)
    x = randn(2, 5, 16, seed=41, dtype=torch.float64, device=device)
    upstream = randn(2, 5, 16, seed=42, dtype=torch.float64, device=device)
    got = h.grad(x, grad_output=upstream, params=True).param_grads[0]
    timm_module.zero_grad()
    timm_module(x.cpu()).backward(upstream.cpu())
    for name, param in timm_module.named_parameters():
        assert name in got and got[name] is not None, f"no gradient reached parameter {name}"
        assert_close(got[name], _expected(param.grad, device), name=f"d loss / d {name}")


@pytest.mark.points(1)
@pytest.mark.parametrize("qkv_bias", [True, False])
def test_mhsa_structure(submission, device, qkv_bias):
    # the layers as they run: qkv = Linear(dim, 3·dim) first, proj = Linear(dim, dim) last (dropout of timm's layout
    # may sit between them and is ignored)
    h = submission.new("MultiHeadSelfAttention", 24, 4, qkv_bias=qkv_bias)
    calls = h.trace(randn(2, 5, 24, seed=50, device="cpu"))["calls"]
    assert_layers(calls, [Layer("Linear", in_features=24, out_features=72, bias=qkv_bias),
                          Layer("Linear", in_features=24, out_features=24, bias=True)],
                  "MultiHeadSelfAttention", ignore=SHAPE_ONLY | {"Dropout"})
    assert [c["name"] for c in layers(calls, SHAPE_ONLY | {"Dropout"})] == ["qkv", "proj"], \
        "the two Linear layers must be the attributes qkv and proj (timm's layout)"


@pytest.mark.points(1)
@pytest.mark.parametrize("dim,heads", [(10, 3), (16, 5)])
def test_mhsa_rejects_dim_not_divisible_by_heads(submission, dim, heads):
    with pytest.raises(ValueError):
        submission.new("MultiHeadSelfAttention", dim, heads)


# -- patchify -------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,shape,patch,dtype", [
    (0, (2, 3, 8, 8), 4, torch.float32),
    (10, (1, 1, 12, 8), 4, torch.float64),   # non-square image: 3 x 2 patches
    (20, (2, 3, 6, 9), 3, torch.float32),    # 2 x 3 patches
])
def test_patchify_matches_unfold(submission, device, seed, shape, patch, dtype):
    images = randn(*shape, seed=seed, dtype=dtype, device=device)
    got = submission.call("patchify", images, patch)
    assert_close(got, _expected(ref.unfold_patches(images.double().cpu(), patch), device), dtype=dtype,
                 name="patchify(images)")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_patchify_times_flattened_weight_equals_conv2d(submission, device, dtype):
    # The spec's identity: patchify(x) @ W.reshape(D, -1).T + b == Conv2d(C, D, P, stride=P)(x), flattened.
    images = randn(2, 3, 8, 12, seed=30, dtype=dtype, device=device)
    weight, bias = randn(5, 3, 4, 4, seed=31, dtype=torch.float64), randn(5, seed=32, dtype=torch.float64)
    patches = submission.call("patchify", images, 4)
    assert_equal(patches.shape, torch.Size([2, 6, 48]), name="patchify(images).shape")
    embedded = patches.double().cpu() @ weight.reshape(5, -1).T + bias
    want = ref.conv_patch_embed(images.double().cpu(), weight, bias, 4)
    assert_close(embedded, want, name="patchify(x) @ W.reshape(D, -1).T + b")


@pytest.mark.points(1)
@pytest.mark.parametrize("shape", [(1, 3, 10, 8), (1, 3, 8, 10)])
def test_patchify_rejects_indivisible_size(submission, device, shape):
    with pytest.raises(ValueError):
        submission.call("patchify", randn(*shape, seed=40, device=device), 4)


# -- PatchEmbedding -------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,img,patch,chans,embed,dtype", [
    (0, 16, 4, 3, 12, torch.float32),
    (10, 12, 3, 1, 8, torch.float64),
])
def test_patch_embedding_matches_timm(submission, device, seed, img, patch, chans, embed, dtype):
    timm_module = ref.timm_patch_embed(img, patch, chans, embed, seed=seed)
    h = submission.new("PatchEmbedding", img, patch, chans, embed)
    h.load_state_dict(dict(timm_module.state_dict()))  # plain dict: the wire sends no OrderedDict
    h.method("to", device=device, dtype=dtype)
    x = randn(2, chans, img, img, seed=seed + 1, dtype=dtype, device=device)
    want = timm_module.double()(x.double().cpu())
    assert_close(h(x), _expected(want, device), dtype=dtype, name="PatchEmbedding(x)")
    assert_equal(h.get("num_patches"), timm_module.num_patches, name="num_patches")


@pytest.mark.points(1)
def test_patch_embedding_structure(submission, device):
    # the one layer that runs is proj, a P×P convolution with stride P (an identity norm, as timm has, is ignored)
    h = submission.new("PatchEmbedding", 12, 4, 3, 8)
    calls = h.trace(randn(2, 3, 12, 12, seed=22, device="cpu"))["calls"]
    assert_layers(calls, [Layer("Conv2d", kernel_size=(4, 4), stride=(4, 4), defaults={"padding": (0, 0)},
                                padding=(0, 0))], "PatchEmbedding")
    assert layers(calls)[0]["name"] == "proj", "the convolution must be the attribute proj"


@pytest.mark.points(1)
def test_patch_embedding_layout_loads_into_timm(submission, device):
    h = submission.new("PatchEmbedding", 8, 2, 3, 6)
    modules = {m["name"]: m["type"] for m in h.modules()}
    assert modules.get("proj") == "Conv2d", f"attribute proj must be an nn.Conv2d, got {modules.get('proj')}"
    timm_module = ref.timm_patch_embed(8, 2, 3, 6, seed=20)
    timm_module.load_state_dict(h.state_dict())
    x = randn(2, 3, 8, 8, seed=21, dtype=torch.float64, device=device)
    h.method("to", device=device, dtype=torch.float64)
    assert_close(h(x), _expected(timm_module.double()(x.cpu()), device), name="PatchEmbedding(x) with its own weights")


# -- cls_attention_map ----------------------------------------------------------------------

def _vit_weights(batch, heads, tokens, seed, dtype, device):
    """Row-stochastic attention weights (B, heads, tokens, tokens), like a ViT block's."""
    return torch.softmax(2 * randn(batch, heads, tokens, tokens, seed=seed, dtype=torch.float64), -1).to(dtype).to(device)


@pytest.mark.points(2)
@pytest.mark.parametrize("seed,batch,heads,grid,image,dtype", [
    (0, 2, 3, (4, 4), (32, 32), torch.float32),
    (10, 1, 2, (2, 3), (10, 15), torch.float64),   # non-square grid: the reshape order matters
    (20, 3, 4, (3, 5), (12, 20), torch.float32),
])
def test_cls_attention_map_matches_interpolate(submission, device, seed, batch, heads, grid, image, dtype):
    weights = _vit_weights(batch, heads, 1 + grid[0] * grid[1], seed, dtype, device)
    got = submission.call("cls_attention_map", weights, grid, image)
    want = ref.cls_attention_map(weights.double().cpu(), grid, image)
    assert_close(got, _expected(want, device), dtype=dtype, name="cls_attention_map", image="BHW")


@pytest.mark.points(1)
def test_cls_attention_map_rejects_wrong_grid(submission, device):
    weights = _vit_weights(1, 2, 1 + 12, 30, torch.float32, device)  # 12 patches
    with pytest.raises(ValueError):
        submission.call("cls_attention_map", weights, (4, 4), (16, 16))
