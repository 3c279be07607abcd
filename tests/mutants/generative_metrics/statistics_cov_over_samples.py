"""feature_statistics calls np.cov(features) without rowvar=False: rows are taken as variables, giving an (N, N) matrix."""


def feature_statistics(features):
    x = _features("features", features, min_samples=2)
    return x.mean(axis=0), np.atleast_2d(np.cov(x))
