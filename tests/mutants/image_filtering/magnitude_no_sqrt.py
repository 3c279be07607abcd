"""gradient_magnitude's "l2" returns the squared length gx² + gy², forgetting the square root."""


def gradient_magnitude(gx, gy, norm="l2"):
    gx = np.asarray(gx, dtype=np.float64)
    gy = np.asarray(gy, dtype=np.float64)
    if gx.shape != gy.shape:
        raise ValueError(f"gx and gy must have the same shape, got {gx.shape} and {gy.shape}")
    if norm == "l2":
        return gx ** 2 + gy ** 2
    if norm == "l1":
        return np.abs(gx) + np.abs(gy)
    raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
