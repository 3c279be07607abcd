"""nearest_centroid_predict computes squared distances as ‖x‖² − 2 x·c + ‖c‖² with one matrix product, and the
centroids with index_add_: other rounding, same labels."""


def nearest_centroid_predict(train_features, train_labels, test_features):
    if train_features.ndim != 2 or train_features.shape[0] < 1:
        raise ValueError("train_features must be (N, D)")
    if train_labels.shape != train_features.shape[:1] or train_labels.is_floating_point():
        raise ValueError("train_labels must be an integer (N,) tensor")
    if test_features.ndim != 2 or test_features.shape[1] != train_features.shape[1]:
        raise ValueError("test_features must be (M, D)")
    classes, index = torch.unique(train_labels, return_inverse=True)
    sums = torch.zeros(len(classes), train_features.shape[1], dtype=train_features.dtype, device=train_features.device)
    sums.index_add_(0, index, train_features)
    counts = torch.bincount(index, minlength=len(classes)).to(train_features.dtype)
    centroids = sums / counts[:, None]
    squared = (test_features ** 2).sum(1, keepdim=True) - 2 * test_features @ centroids.T + (centroids ** 2).sum(1)
    return classes[squared.argmin(dim=1)]
