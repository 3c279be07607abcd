"""retrieve returns the k least similar gallery items (ascending order) instead of the most similar."""


def retrieve(query_features, gallery_features, k):
    if k > gallery_features.shape[0]:
        raise ValueError("k is larger than the gallery")
    similarity = normalize(query_features) @ normalize(gallery_features).T
    scores, indices = torch.topk(similarity, k, dim=-1, largest=False)
    return scores, indices
