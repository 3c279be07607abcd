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
    raise NotImplementedError("clip_scoring.normalize: not implemented yet")


def build_prompts(class_names, template: str = "a photo of a {}.") -> list[str]:
    """One prompt per class, in order: `template` with its `{}` replaced by the class name.

    A template without `{}`, or `class_names` given as a single string: ValueError.
    """
    raise NotImplementedError("clip_scoring.build_prompts: not implemented yet")


def similarity_logits(image_features: torch.Tensor, text_features: torch.Tensor,
                      logit_scale=100.0) -> torch.Tensor:
    """logit_scale · normalize(image_features) @ normalize(text_features)ᵀ, shape (N_img, N_txt).

    Features (N_img, D) and (N_txt, D); `logit_scale` a float or a 0-d tensor. Not
    2-D, or different D: ValueError.
    """
    raise NotImplementedError("clip_scoring.similarity_logits: not implemented yet")


def zero_shot_probs(image_features: torch.Tensor, text_features: torch.Tensor,
                    logit_scale=100.0) -> torch.Tensor:
    """Softmax of `similarity_logits` over the classes (texts): (N_img, N_cls), each row sums to 1."""
    raise NotImplementedError("clip_scoring.zero_shot_probs: not implemented yet")


def zero_shot_classify(model, tokenizer, images: torch.Tensor, class_names,
                       template: str = "a photo of a {}.") -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-shot classification with an open_clip model: (probs (N_img, N_cls), preds (N_img,)).

    Encodes `images` (already on the model's device) with `model.encode_image`, the
    prompts `build_prompts(class_names, template)` with `model.encode_text(tokenizer(prompts))`
    (tokens moved to the model's device), and scores them with `zero_shot_probs` at
    the model's temperature `model.logit_scale.exp()`. Runs without gradients.
    """
    raise NotImplementedError("clip_scoring.zero_shot_classify: not implemented yet")


def clip_contrastive_loss(image_features: torch.Tensor, text_features: torch.Tensor, logit_scale) -> torch.Tensor:
    """Symmetric InfoNCE of N matching pairs: the mean of the image→text and text→image cross-entropies.

    Logits are `similarity_logits(image_features, text_features, logit_scale)` (and
    their transpose); the target of row i is i. `logit_scale` is the temperature
    itself (already exponentiated). Features not both (N, D): ValueError.
    """
    raise NotImplementedError("clip_scoring.clip_contrastive_loss: not implemented yet")


def retrieve(query_features: torch.Tensor, gallery_features: torch.Tensor,
             k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Top-k gallery items by cosine similarity, best first: a tuple (scores, indices), each (..., k).

    `query_features` (..., D), `gallery_features` (G, D). Ties are broken as
    `torch.topk` does. Gallery not 2-D, different D, or `k` outside 1..G: ValueError.
    """
    raise NotImplementedError("clip_scoring.retrieve: not implemented yet")
