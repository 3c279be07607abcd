"""Trusted references for the `clip_scoring` graders, built on open_clip and torch.nn.functional.

Graders call these on float64 copies of the inputs, in the grading process.
"""

import functools

import open_clip
import torch
import torch.nn.functional as F
from open_clip.loss import ClipLoss

from cvgrade.nets.clip_scoring import tiny_clip


def normalize(x, eps=1e-12):
    return F.normalize(x, dim=-1, eps=eps)


def prompts(class_names, template):
    return [template.format(name) for name in class_names]


def similarity_logits(image_features, text_features, logit_scale):
    """open_clip's `logits_per_image` on normalised features."""
    image, text = normalize(image_features), normalize(text_features)
    return ClipLoss().get_logits(image, text, logit_scale)[0]


def zero_shot_probs(image_features, text_features, logit_scale):
    return torch.softmax(similarity_logits(image_features, text_features, logit_scale), dim=-1)


@functools.lru_cache(maxsize=None)
def _tokenizer():
    return open_clip.get_tokenizer("ViT-B-32")


@functools.lru_cache(maxsize=None)
def _model(seed):
    return tiny_clip(seed).double()


def zero_shot_classify(seed, images, class_names, template):
    """(probs, preds) of `tiny_clip(seed)` in float64 on CPU, the way open_clip's zero-shot README scores them."""
    model = _model(seed)
    with torch.no_grad():
        image = normalize(model.encode_image(images))
        text = normalize(model.encode_text(_tokenizer()(prompts(class_names, template))))
        probs = torch.softmax(model.logit_scale.exp() * image @ text.T, dim=-1)
    return probs, probs.argmax(dim=-1)


def clip_loss(image_features, text_features, logit_scale):
    """open_clip's ClipLoss on normalised features."""
    return ClipLoss()(normalize(image_features), normalize(text_features), logit_scale)


def retrieve(query_features, gallery_features, k):
    """torch.topk over the cosine similarities."""
    return torch.topk(normalize(query_features) @ normalize(gallery_features).T, k, dim=-1)
