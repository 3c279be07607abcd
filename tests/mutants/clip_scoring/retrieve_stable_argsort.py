"""retrieve sorts with a stable argsort, so ties go to the lowest index instead of torch.topk's order."""


def retrieve(query_features, gallery_features, k):
    if k > gallery_features.shape[0]:
        raise ValueError("k is larger than the gallery")
    similarity = normalize(query_features) @ normalize(gallery_features).T
    indices = torch.argsort(similarity, dim=-1, descending=True, stable=True)[..., :k]
    return similarity.gather(-1, indices), indices
