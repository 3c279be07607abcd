"""gradient_magnitude treats every norm other than "l1" as "l2" instead of raising ValueError."""


def gradient_magnitude(gx, gy, norm="l2"):
    gx = np.asarray(gx, dtype=np.float64)
    gy = np.asarray(gy, dtype=np.float64)
    if gx.shape != gy.shape:
        raise ValueError(f"gx and gy must have the same shape, got {gx.shape} and {gy.shape}")
    if norm == "l1":
        return np.abs(gx) + np.abs(gy)
    return np.hypot(gx, gy)
