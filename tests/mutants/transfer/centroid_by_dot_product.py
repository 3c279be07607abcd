"""nearest_centroid_predict picks the centroid with the largest dot product instead of the smallest Euclidean distance."""


def nearest_centroid_predict(train_features, train_labels, test_features):
    classes = torch.unique(train_labels)
    members = (train_labels[:, None] == classes[None, :]).to(train_features.dtype)
    centroids = members.T @ train_features / members.sum(dim=0)[:, None]
    return classes[(test_features @ centroids.T).argmax(dim=1)]
