"""clip_contrastive_loss builds the logits from raw dot products, without normalising the features."""


def clip_contrastive_loss(image_features, text_features, logit_scale):
    if image_features.shape != text_features.shape:
        raise ValueError("image_features and text_features must both be (N, D)")
    logits = logit_scale * image_features @ text_features.T
    targets = torch.arange(logits.shape[0], device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
