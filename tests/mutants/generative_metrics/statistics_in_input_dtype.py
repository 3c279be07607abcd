"""feature_statistics computes in the input's dtype (float32 stays float32) and only converts the result to float64."""


def feature_statistics(features):
    if isinstance(features, torch.Tensor):
        features = features.detach().cpu().numpy()
    x = np.asarray(features)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"features must be (N, D) with N >= 2, got shape {x.shape}")
    mu = x.mean(axis=0)
    centred = x - mu
    return mu.astype(np.float64), (centred.T @ centred / (len(x) - 1)).astype(np.float64)
