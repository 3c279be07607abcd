"""feature_statistics returns np.cov(features, rowvar=False) as it comes: a 0-d array, not (1, 1), when D = 1."""


def feature_statistics(features):
    x = _features("features", features, min_samples=2)
    return x.mean(axis=0), np.cov(x, rowvar=False)
