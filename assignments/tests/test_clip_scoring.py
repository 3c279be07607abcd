"""Public tests for clip_scoring.py: small examples you can check by hand. Run with `pytest tests/test_clip_scoring.py`."""

import math

import open_clip
import pytest
import torch
from open_clip.model import CLIPTextCfg, CLIPVisionCfg

import clip_scoring


def test_normalize_3_4_5_triangle_and_zero_vector():
    out = clip_scoring.normalize(torch.tensor([[3.0, 4.0], [0.0, 0.0]]))
    assert torch.allclose(out, torch.tensor([[0.6, 0.8], [0.0, 0.0]])), \
        f"[3, 4] / 5 = [0.6, 0.8] and a zero vector stays zero (no NaN), got {out.tolist()}"


def test_build_prompts_in_order():
    assert clip_scoring.build_prompts(["cat", "dog"]) == ["a photo of a cat.", "a photo of a dog."]
    assert clip_scoring.build_prompts(["car"], "a {} on the road") == ["a car on the road"]


def test_build_prompts_rejects_template_without_placeholder():
    with pytest.raises(ValueError):
        clip_scoring.build_prompts(["cat"], "a photo")


def test_similarity_logits_ignore_feature_length():
    image = torch.tensor([[2.0, 0.0], [0.0, 5.0]])
    text = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, -3.0]])
    logits = clip_scoring.similarity_logits(image, text, logit_scale=10.0)
    c = 10 / math.sqrt(2)
    expected = torch.tensor([[10.0, c, 0.0], [0.0, c, -10.0]])
    assert logits.shape == (2, 3), f"expected shape (N_img, N_txt) = (2, 3), got {tuple(logits.shape)}"
    assert torch.allclose(logits, expected), f"cosines times 10: expected {expected.tolist()}, got {logits.tolist()}"


def test_zero_shot_probs_rows_are_distributions_over_classes():
    image = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    text = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    probs = clip_scoring.zero_shot_probs(image, text, logit_scale=math.log(3.0))
    # image 0: logits [ln 3, 0] -> [3/4, 1/4]; image 2 is equally close to both classes -> [1/2, 1/2]
    expected = torch.tensor([[0.75, 0.25], [0.25, 0.75], [0.5, 0.5]])
    assert torch.allclose(probs, expected), f"expected {expected.tolist()}, got {probs.tolist()}"


def test_contrastive_loss_is_log_n_at_zero_temperature_and_small_when_aligned():
    features = torch.eye(4)
    flat = clip_scoring.clip_contrastive_loss(features, features, logit_scale=0.0)
    assert math.isclose(flat.item(), math.log(4), rel_tol=1e-6), \
        f"with logit_scale 0 every logit is 0, so each cross-entropy is ln 4 = {math.log(4):.4f}, got {flat.item()}"
    aligned = clip_scoring.clip_contrastive_loss(features, 2 * features, logit_scale=20.0)
    assert aligned.item() < 1e-6, f"matching pairs that are orthogonal to the others give ~0 loss, got {aligned.item()}"


def test_contrastive_loss_rejects_unpaired_batches():
    with pytest.raises(ValueError):
        clip_scoring.clip_contrastive_loss(torch.randn(3, 4), torch.randn(2, 4), logit_scale=10.0)


def test_retrieve_ranks_by_cosine_not_dot_product():
    gallery = torch.tensor([[10.0, 10.0], [1.0, 0.0], [0.0, 1.0]])
    scores, indices = clip_scoring.retrieve(torch.tensor([[1.0, 0.1]]), gallery, k=2)
    # item 0 has the largest dot product but item 1 points the same way as the query
    assert indices.tolist() == [[1, 0]], f"expected items [1, 0], best first, got {indices.tolist()}"
    assert scores[0, 0] > scores[0, 1], f"scores must be descending, got {scores.tolist()}"


def test_retrieve_rejects_k_larger_than_gallery():
    with pytest.raises(ValueError):
        clip_scoring.retrieve(torch.randn(2, 4), torch.randn(3, 4), k=4)


def test_zero_shot_classify_with_a_tiny_random_clip():
    torch.manual_seed(0)
    model = open_clip.CLIP(16, CLIPVisionCfg(layers=1, width=32, head_width=16, patch_size=8, image_size=16),
                           CLIPTextCfg(context_length=77, vocab_size=49408, width=32, heads=2, layers=1)).eval()
    tokenizer = open_clip.get_tokenizer("ViT-B-32")
    probs, preds = clip_scoring.zero_shot_classify(model, tokenizer, torch.randn(2, 3, 16, 16), ["cat", "dog", "car"])
    assert probs.shape == (2, 3) and preds.shape == (2,), f"got {tuple(probs.shape)} and {tuple(preds.shape)}"
    assert torch.allclose(probs.sum(-1), torch.ones(2)), "each image's probabilities over the classes sum to 1"
    assert torch.equal(preds, probs.argmax(-1)), "preds are the arg-max class of each image"
    assert not probs.requires_grad, "run the model under torch.no_grad()"
