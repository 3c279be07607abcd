"""nearest_centroid_predict returns the index of the nearest class (0, 1, 2, ...) instead of its label (3, 7, 9, ...)."""


def nearest_centroid_predict(train_features, train_labels, test_features):
    classes = torch.unique(train_labels)
    members = (train_labels[:, None] == classes[None, :]).to(train_features.dtype)
    centroids = members.T @ train_features / members.sum(dim=0)[:, None]
    distances = ((test_features[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=-1)
    return distances.argmin(dim=1)
