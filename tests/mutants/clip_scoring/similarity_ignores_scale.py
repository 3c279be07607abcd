"""similarity_logits forgets to multiply by logit_scale (plain cosine similarities)."""


def similarity_logits(image_features, text_features, logit_scale=100.0):
    if image_features.shape[-1] != text_features.shape[-1]:
        raise ValueError("feature dims differ")
    return normalize(image_features) @ normalize(text_features).T
