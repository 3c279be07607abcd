"""fid_from_features keeps float32 features in float32 for the statistics (only the distance is taken in float64)."""


def fid_from_features(real, fake):
    def statistics(name, x):
        x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
        if x.ndim != 2 or len(x) < 2:
            raise ValueError(f"{name} must be (N, D) with N >= 2, got shape {x.shape}")
        centred = x - x.mean(axis=0)
        return x.mean(axis=0), centred.T @ centred / (len(x) - 1)

    (mu1, sigma1), (mu2, sigma2) = statistics("real", real), statistics("fake", fake)
    if mu1.shape != mu2.shape:
        raise ValueError(f"real and fake must have the same feature dimension D, got {mu1.shape} and {mu2.shape}")
    return frechet_distance(mu1, sigma1, mu2, sigma2)
