"""feature_statistics divides the covariance by N instead of N − 1 (the biased, maximum-likelihood estimate)."""


def feature_statistics(features):
    x = _features("features", features, min_samples=2)
    mu = x.mean(axis=0)
    centred = x - mu
    return mu, centred.T @ centred / len(x)
