"""similarity_logits uses raw dot products of the features instead of cosine similarities."""


def similarity_logits(image_features, text_features, logit_scale=100.0):
    if image_features.shape[-1] != text_features.shape[-1]:
        raise ValueError("feature dims differ")
    return logit_scale * image_features @ text_features.T
