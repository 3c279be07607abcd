"""flow_matching_pair interpolates t · x0 + (1 - t) · x1, running the path from data to noise."""


def flow_matching_pair(x0, x1, t):
    _check_batched("x0", x0)
    _check_same_shape("x1", x1, "x0", x0)
    if t.ndim != 1 or t.shape[0] != x0.shape[0] or not t.is_floating_point():
        raise ValueError(f"t must be a (B,) floating tensor, got shape {tuple(t.shape)}")
    if float(t.min()) < 0 or float(t.max()) > 1:
        raise ValueError("t must lie in [0, 1]")
    s = t.to(x0.dtype).reshape(-1, *[1] * (x0.ndim - 1))
    return s * x0 + (1 - s) * x1, x1 - x0
