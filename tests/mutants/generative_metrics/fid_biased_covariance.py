"""fid_from_features fits the Gaussians with np.cov(..., bias=True): covariances divided by N, not N − 1."""


def fid_from_features(real, fake):
    real = _features("real", real, min_samples=2)
    fake = _features("fake", fake, min_samples=2)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake must have the same feature dimension D, got {real.shape[1]} and {fake.shape[1]}")
    stats = [(x.mean(axis=0), np.atleast_2d(np.cov(x, rowvar=False, bias=True))) for x in (real, fake)]
    return frechet_distance(*stats[0], *stats[1])
