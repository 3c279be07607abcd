"""similarity_logits returns the text-by-image matrix (N_txt, N_img) instead of (N_img, N_txt)."""


def similarity_logits(image_features, text_features, logit_scale=100.0):
    if image_features.shape[-1] != text_features.shape[-1]:
        raise ValueError("feature dims differ")
    return logit_scale * normalize(text_features) @ normalize(image_features).T
