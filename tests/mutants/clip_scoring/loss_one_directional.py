"""clip_contrastive_loss only uses the image→text cross-entropy, not the symmetric mean with text→image."""


def clip_contrastive_loss(image_features, text_features, logit_scale):
    if image_features.shape != text_features.shape:
        raise ValueError("image_features and text_features must both be (N, D)")
    logits = similarity_logits(image_features, text_features, logit_scale)
    return F.cross_entropy(logits, torch.arange(logits.shape[0], device=logits.device))
