"""zero_shot_probs takes the softmax over the images (dim=0) instead of over the classes."""


def zero_shot_probs(image_features, text_features, logit_scale=100.0):
    return similarity_logits(image_features, text_features, logit_scale).softmax(dim=0)
