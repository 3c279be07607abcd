"""Scoring images against text with CLIP (spec §6).

CLIP embeds images and texts in one space; the cosine similarity of an image and
a caption, times a learned temperature `logit_scale`, is a logit. Zero-shot
classification turns class names into prompts and takes a softmax over the
classes; training pulls matching image/text pairs together with a symmetric
contrastive loss; retrieval ranks a gallery by cosine similarity. Every function
keeps the device and dtype of its inputs.
"""

import torch
import torch.nn.functional as F


def _check_features(name, x):
    if x.dim() != 2:
        raise ValueError(f"{name} must have shape (N, D), got {tuple(x.shape)}")


def _check_same_dim(name_a, a, name_b, b):
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(f"{name_a} and {name_b} must have the same feature dim, got {a.shape[-1]} and {b.shape[-1]}")


def normalize(x: torch.Tensor, eps: float = 1e-12) -> torch.Tensor:
    """x / max(‖x‖₂, eps) along the last dim (a zero vector stays zero). A 0-d input: ValueError."""
    ### BEGIN SOLUTION
    if x.dim() < 1:
        raise ValueError("x must have at least one dimension (the feature dimension)")
    return x / x.norm(dim=-1, keepdim=True).clamp_min(eps)
    ### END SOLUTION


def build_prompts(class_names, template: str = "a photo of a {}.") -> list[str]:
    """One prompt per class, in order: `template` with its `{}` replaced by the class name.

    A template without `{}`, or `class_names` given as a single string: ValueError.
    """
    ### BEGIN SOLUTION
    if not isinstance(template, str) or "{}" not in template:
        raise ValueError(f"template must be a string containing '{{}}', got {template!r}")
    if isinstance(class_names, str):
        raise ValueError(f"class_names must be a list of names, got the single string {class_names!r}")
    return [template.format(name) for name in class_names]
    ### END SOLUTION


def similarity_logits(image_features: torch.Tensor, text_features: torch.Tensor,
                      logit_scale=100.0) -> torch.Tensor:
    """logit_scale · normalize(image_features) @ normalize(text_features)ᵀ, shape (N_img, N_txt).

    Features (N_img, D) and (N_txt, D); `logit_scale` a float or a 0-d tensor. Not
    2-D, or different D: ValueError.
    """
    ### BEGIN SOLUTION
    _check_features("image_features", image_features)
    _check_features("text_features", text_features)
    _check_same_dim("image_features", image_features, "text_features", text_features)
    return logit_scale * normalize(image_features) @ normalize(text_features).T
    ### END SOLUTION


def zero_shot_probs(image_features: torch.Tensor, text_features: torch.Tensor,
                    logit_scale=100.0) -> torch.Tensor:
    """Softmax of `similarity_logits` over the classes (texts): (N_img, N_cls), each row sums to 1."""
    ### BEGIN SOLUTION
    return similarity_logits(image_features, text_features, logit_scale).softmax(dim=-1)
    ### END SOLUTION


def zero_shot_classify(model, tokenizer, images: torch.Tensor, class_names,
                       template: str = "a photo of a {}.") -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-shot classification with an open_clip model: (probs (N_img, N_cls), preds (N_img,)).

    Encodes `images` (already on the model's device) with `model.encode_image`, the
    prompts `build_prompts(class_names, template)` with `model.encode_text(tokenizer(prompts))`
    (tokens moved to the model's device), and scores them with `zero_shot_probs` at
    the model's temperature `model.logit_scale.exp()`. Runs without gradients.
    """
    ### BEGIN SOLUTION
    if images.dim() != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {tuple(images.shape)}")
    prompts = build_prompts(class_names, template)
    device = next(model.parameters()).device
    with torch.no_grad():
        image_features = model.encode_image(images)
        text_features = model.encode_text(tokenizer(prompts).to(device))
        probs = zero_shot_probs(image_features, text_features, model.logit_scale.exp())
    return probs, probs.argmax(dim=-1)
    ### END SOLUTION


def clip_contrastive_loss(image_features: torch.Tensor, text_features: torch.Tensor, logit_scale) -> torch.Tensor:
    """Symmetric InfoNCE of N matching pairs: the mean of the image→text and text→image cross-entropies.

    Logits are `similarity_logits(image_features, text_features, logit_scale)` (and
    their transpose); the target of row i is i. `logit_scale` is the temperature
    itself (already exponentiated). Features not both (N, D): ValueError.
    """
    ### BEGIN SOLUTION
    if image_features.shape != text_features.shape:
        raise ValueError(f"image_features and text_features must both be (N, D) for N pairs, "
                         f"got {tuple(image_features.shape)} and {tuple(text_features.shape)}")
    logits = similarity_logits(image_features, text_features, logit_scale)
    targets = torch.arange(logits.shape[0], device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
    ### END SOLUTION


def retrieve(query_features: torch.Tensor, gallery_features: torch.Tensor,
             k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-k gallery items by cosine similarity, best first: a tuple (scores, indices), each (..., k).

    `query_features` (..., D), `gallery_features` (G, D). Ties are broken as
    `torch.topk` does. Gallery not 2-D, different D, or `k` outside 1..G: ValueError.
    """
    ### BEGIN SOLUTION
    _check_features("gallery_features", gallery_features)
    _check_same_dim("query_features", query_features, "gallery_features", gallery_features)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= gallery_features.shape[0]:
        raise ValueError(f"k must be an int between 1 and the gallery size {gallery_features.shape[0]}, got {k!r}")
    similarity = normalize(query_features) @ normalize(gallery_features).T
    scores, indices = torch.topk(similarity, k, dim=-1)
    return scores, indices
    ### END SOLUTION
