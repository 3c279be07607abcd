"""gradient_magnitude's "l1" returns gx + gy, so opposite gradients cancel."""


def gradient_magnitude(gx, gy, norm="l2"):
    gx = np.asarray(gx, dtype=np.float64)
    gy = np.asarray(gy, dtype=np.float64)
    if gx.shape != gy.shape:
        raise ValueError(f"gx and gy must have the same shape, got {gx.shape} and {gy.shape}")
    if norm == "l2":
        return np.hypot(gx, gy)
    if norm == "l1":
        return gx + gy
    raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
