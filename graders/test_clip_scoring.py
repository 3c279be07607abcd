"""Hidden graders for `clip_scoring` (spec §6), against open_clip and torch.nn.functional in float64.

Seeds are fixed per case and appear in the test ids; the tensors of one case use
consecutive seeds (seed, seed + 1, ...). References run on CPU in float64 and are
moved to the grading device, so every comparison also checks that the result
stayed on the device of the inputs. The CLIP model is `cvgrade.nets.clip_scoring.tiny_clip`,
randomly initialised from the case's seed in both processes (no weights are downloaded).
"""

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import randint, randn
from cvgrade.nets.clip_scoring import IMAGE_SIZE
from reference import clip_scoring as ref

TOPIC = "clip_scoring"
GRADED_ALIASES = {"contrastive_loss": "clip_contrastive_loss"}  # test-name prefixes -> the graded name they check (feedback groups)
REFERENCE_CALLS = {
    "normalize": ["torch.nn.functional.normalize"],
    "clip_contrastive_loss": ["open_clip.loss.ClipLoss.forward"],
    "zero_shot_classify": ["open_clip.zero_shot_classifier.build_zero_shot_classifier"],
}

DTYPES = [torch.float32, torch.float64]
CLASSES = ["cat", "dog", "car", "tree", "house", "bird"]


def _expected(tensor, device):
    """A float64 CPU reference result moved to the grading device."""
    return tensor.detach().to(device)


def _features(n, d, seed, dtype, device):
    """(n, d) features with rows of very different norms (0.1 to 10), as raw encoder outputs have."""
    scale = 10 ** (2 * torch.rand(n, 1, generator=torch.Generator().manual_seed(seed + 1000), dtype=torch.float64) - 1)
    return (randn(n, d, seed=seed, dtype=torch.float64) * scale).to(dtype).to(device)


# -- normalize ------------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,shape,dtype", [
    (0, (5, 8), torch.float32),
    (10, (2, 3, 16), torch.float64),   # batch dims: only the last one is normalised
    (20, (7,), torch.float32),
])
def test_normalize_matches_f_normalize(submission, device, seed, shape, dtype):
    x = 5 * randn(*shape, seed=seed, dtype=dtype, device=device)
    got = submission.call("normalize", x)
    assert_close(got, _expected(ref.normalize(x.double().cpu()), device), dtype=dtype, name="normalize(x)")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_normalize_keeps_zero_vector_finite(submission, device, dtype):
    x = randn(3, 4, seed=30, dtype=dtype, device=device)
    x[1] = 0
    got = submission.call("normalize", x)
    assert_close(got, _expected(ref.normalize(x.double().cpu()), device), dtype=dtype,
                 name="normalize(x) with a zero row (clamp the norm with eps, never divide by 0)")


# -- build_prompts --------------------------------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("template", [None, "a blurry photo of the {}, seen from far away"])
def test_build_prompts_fills_template_in_order(submission, template):
    kwargs = {} if template is None else {"template": template}
    got = submission.call("build_prompts", list(CLASSES), **kwargs)
    want = ref.prompts(CLASSES, template or "a photo of a {}.")
    assert type(got) is list, f"build_prompts must return a list, got {type(got).__name__}"
    assert_equal(got, want, name="prompts")


@pytest.mark.points(1)
def test_build_prompts_rejects_template_without_placeholder(submission):
    with pytest.raises(ValueError):
        submission.call("build_prompts", ["cat", "dog"], "a photo of a cat")


# -- similarity_logits and zero_shot_probs --------------------------------------------------

@pytest.mark.points(1)
@pytest.mark.parametrize("seed,n_img,n_txt,d,scale,dtype", [
    (0, 4, 6, 8, 100.0, torch.float32),
    (10, 3, 2, 16, 14.2857, torch.float64),
    (20, 1, 5, 12, 1.0, torch.float32),
])
def test_similarity_logits_match_open_clip(submission, device, seed, n_img, n_txt, d, scale, dtype):
    image, text = _features(n_img, d, seed, dtype, device), _features(n_txt, d, seed + 1, dtype, device)
    got = submission.call("similarity_logits", image, text, scale)
    want = ref.similarity_logits(image.double().cpu(), text.double().cpu(), scale)
    assert_close(got, _expected(want, device), dtype=dtype, name="similarity_logits")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_similarity_logits_default_scale_and_tensor_scale(submission, device, dtype):
    image, text = _features(5, 8, 30, dtype, device), _features(3, 8, 31, dtype, device)
    want = ref.similarity_logits(image.double().cpu(), text.double().cpu(), 100.0)
    assert_close(submission.call("similarity_logits", image, text), _expected(want, device), dtype=dtype,
                 name="similarity_logits with the default logit_scale=100")
    learned = torch.tensor(2.5, dtype=dtype, device=device).exp()  # like model.logit_scale.exp()
    want = ref.similarity_logits(image.double().cpu(), text.double().cpu(), learned.double().cpu())
    assert_close(submission.call("similarity_logits", image, text, learned), _expected(want, device), dtype=dtype,
                 name="similarity_logits with a 0-d tensor logit_scale")


@pytest.mark.points(1)
def test_similarity_logits_rejects_different_feature_dims(submission, device):
    with pytest.raises(ValueError):
        submission.call("similarity_logits", randn(3, 8, seed=40, device=device), randn(4, 6, seed=41, device=device))


@pytest.mark.points(1)
@pytest.mark.parametrize("seed,n_img,n_cls,dtype", [(0, 5, 3, torch.float32), (10, 2, 6, torch.float64)])
def test_zero_shot_probs_softmax_over_classes(submission, device, seed, n_img, n_cls, dtype):
    image, text = _features(n_img, 16, seed, dtype, device), _features(n_cls, 16, seed + 1, dtype, device)
    got = submission.call("zero_shot_probs", image, text, 20.0)
    want = ref.zero_shot_probs(image.double().cpu(), text.double().cpu(), 20.0)
    assert_close(got, _expected(want, device), dtype=dtype, name="zero_shot_probs (rows: images, columns: classes)")


# -- zero_shot_classify ---------------------------------------------------------------------

def _classify(submission, device, dtype, seed, classes, template=None):
    model = submission.build("cvgrade.nets.clip_scoring.tiny_clip", seed=seed).method("to", device=device, dtype=dtype)
    tokenizer = submission.shared("open_clip.get_tokenizer", "ViT-B-32")  # read-only: built once per process
    images = 3 * randn(8, 3, IMAGE_SIZE, IMAGE_SIZE, seed=seed, dtype=dtype, device=device)
    kwargs = {} if template is None else {"template": template}
    result = submission.call("zero_shot_classify", model, tokenizer, images, list(classes), **kwargs)
    want = ref.zero_shot_classify(seed, images.double().cpu(), classes, template or "a photo of a {}.")
    return result, want


@pytest.mark.points(3)
@pytest.mark.parametrize("seed,dtype", [(1, torch.float32), (3, torch.float64)])
def test_zero_shot_classify_matches_open_clip(submission, device, seed, dtype):
    (probs, preds), (want_probs, want_preds) = _classify(submission, device, dtype, seed, CLASSES)
    assert_close(probs, _expected(want_probs, device), dtype=dtype, name="probs (N_img, N_cls)")
    assert_equal(preds, _expected(want_preds, device), name="preds")


@pytest.mark.points(2)
def test_zero_shot_classify_uses_template(submission, device):
    template = "a low resolution picture of my {}"
    (probs, _), (want_probs, _) = _classify(submission, device, torch.float32, 1, CLASSES[:4], template)
    assert_close(probs, _expected(want_probs, device), dtype=torch.float32, name="probs with a custom template")


@pytest.mark.points(1)
def test_zero_shot_classify_runs_without_gradients(submission, device):
    (probs, _), _ = _classify(submission, device, torch.float32, 1, CLASSES[:3])
    assert type(probs) is torch.Tensor and not probs.requires_grad, \
        "probs require grad: run the encoders under torch.no_grad()"


# -- clip_contrastive_loss ------------------------------------------------------------------

@pytest.mark.points(2)
@pytest.mark.parametrize("seed,n,d,scale,dtype", [
    (0, 4, 8, 14.2857, torch.float32),
    (10, 6, 16, 100.0, torch.float64),
    (20, 5, 3, 1.0, torch.float32),
])
def test_contrastive_loss_matches_open_clip(submission, device, seed, n, d, scale, dtype):
    image, text = _features(n, d, seed, dtype, device), _features(n, d, seed + 1, dtype, device)
    logit_scale = torch.tensor(scale, dtype=dtype, device=device)
    got = submission.call("clip_contrastive_loss", image, text, logit_scale)
    want = ref.clip_loss(image.double().cpu(), text.double().cpu(), logit_scale.double().cpu())
    assert_close(got, _expected(want, device), dtype=dtype, name="clip_contrastive_loss", tol="reduction")


@pytest.mark.points(2)
def test_contrastive_loss_gradients_match_open_clip(submission, device):
    image, text = _features(5, 8, 30, torch.float64, device), _features(5, 8, 31, torch.float64, device)
    logit_scale = torch.tensor(10.0, dtype=torch.float64, device=device)
    got = submission.grad("clip_contrastive_loss", image.requires_grad_(), text.requires_grad_(), logit_scale)
    image64, text64 = image.detach().cpu().requires_grad_(), text.detach().cpu().requires_grad_()
    want = torch.autograd.grad(ref.clip_loss(image64, text64, logit_scale.cpu()), (image64, text64))
    assert_close(got.input_grads[0], _expected(want[0], device), name="d loss / d image_features")
    assert_close(got.input_grads[1], _expected(want[1], device), name="d loss / d text_features")


@pytest.mark.points(1)
def test_contrastive_loss_rejects_unpaired_batches(submission, device):
    with pytest.raises(ValueError):
        submission.call("clip_contrastive_loss", randn(4, 8, seed=40, device=device),
                        randn(5, 8, seed=41, device=device), 10.0)


# -- retrieve -------------------------------------------------------------------------------

@pytest.mark.points(2)
@pytest.mark.parametrize("seed,query_shape,gallery,k,dtype", [
    (0, (5, 16), 20, 3, torch.float32),
    (10, (2, 3, 8), 10, 10, torch.float64),   # batch of queries, k = the whole gallery
    (20, (1, 12), 7, 1, torch.float32),
])
def test_retrieve_matches_topk(submission, device, seed, query_shape, gallery, k, dtype):
    query = randn(*query_shape, seed=seed, dtype=dtype, device=device)
    items = _features(gallery, query_shape[-1], seed + 1, dtype, device)
    scores, indices = submission.call("retrieve", query, items, k)
    want_scores, want_indices = ref.retrieve(query.double().cpu(), items.double().cpu(), k)
    assert_close(scores, _expected(want_scores, device), dtype=dtype, name="scores (descending)")
    assert_equal(indices, _expected(want_indices, device), name="indices")


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_retrieve_breaks_ties_like_topk(submission, device, dtype):
    # Gallery rows have four entries of ±1 (norm 2) and the queries are scaled one-hot vectors, so every cosine
    # is exactly 0 or ±0.5 in any dtype and many items tie. The reference runs torch.topk on these exact values
    # in the test's dtype and on its device, where torch.topk's own tie order is defined.
    signs = 2 * randint(0, 2, (40, 4), seed=50) - 1
    cols = torch.stack([torch.randperm(8, generator=torch.Generator().manual_seed(51 + i))[:4] for i in range(40)])
    items = torch.zeros(40, 8, dtype=torch.float64).scatter_(1, cols, signs.double()).to(dtype).to(device)
    query = 3 * torch.eye(8, dtype=dtype, device=device)[:3]
    scores, indices = submission.call("retrieve", query, items, 12)
    exact = (query / 3) @ (items / 2).T
    want_scores, want_indices = torch.topk(exact, 12, dim=-1)
    assert_close(scores, want_scores, name="scores")
    assert_equal(indices, want_indices, name="indices among tied items (use torch.topk)")


@pytest.mark.points(1)
def test_retrieve_rejects_k_larger_than_gallery(submission, device):
    with pytest.raises(ValueError):
        submission.call("retrieve", randn(2, 8, seed=60, device=device), randn(5, 8, seed=61, device=device), 6)
