"""fid_from_features leaves the feature dimensions to frechet_distance, whose error names mu1 and mu2, not real and fake."""


def fid_from_features(real, fake):
    return frechet_distance(*feature_statistics(real), *feature_statistics(fake))
