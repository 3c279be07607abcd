"""nearest_centroid_predict orders the classes as they first appear in train_labels, so ties go to the first-seen label, not the smallest."""


def nearest_centroid_predict(train_features, train_labels, test_features):
    classes = torch.tensor(list(dict.fromkeys(train_labels.tolist())), dtype=train_labels.dtype,
                           device=train_labels.device)
    members = (train_labels[:, None] == classes[None, :]).to(train_features.dtype)
    centroids = members.T @ train_features / members.sum(dim=0)[:, None]
    distances = ((test_features[:, None, :] - centroids[None, :, :]) ** 2).sum(dim=-1)
    return classes[distances.argmin(dim=1)]
