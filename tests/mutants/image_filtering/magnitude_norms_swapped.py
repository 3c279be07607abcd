"""gradient_magnitude mixes up the norms: "l2" returns |gx| + |gy| and "l1" returns sqrt(gx² + gy²)."""


def gradient_magnitude(gx, gy, norm="l2"):
    gx = np.asarray(gx, dtype=np.float64)
    gy = np.asarray(gy, dtype=np.float64)
    if gx.shape != gy.shape:
        raise ValueError(f"gx and gy must have the same shape, got {gx.shape} and {gy.shape}")
    if norm == "l1":
        return np.hypot(gx, gy)
    if norm == "l2":
        return np.abs(gx) + np.abs(gy)
    raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
