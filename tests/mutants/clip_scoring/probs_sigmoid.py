"""zero_shot_probs applies a sigmoid to each logit (SigLIP style) instead of a softmax over the classes."""


def zero_shot_probs(image_features, text_features, logit_scale=100.0):
    return similarity_logits(image_features, text_features, logit_scale).sigmoid()
