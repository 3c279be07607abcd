"""retrieve ranks the gallery by raw dot product instead of cosine similarity."""


def retrieve(query_features, gallery_features, k):
    if k > gallery_features.shape[0]:
        raise ValueError("k is larger than the gallery")
    scores, indices = torch.topk(query_features @ gallery_features.T, k, dim=-1)
    return scores, indices
