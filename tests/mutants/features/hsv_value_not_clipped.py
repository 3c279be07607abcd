"""flow_to_hsv does not clip magnitude / max_magnitude at 1, so larger magnitudes wrap around in uint8."""

_solution_flow_to_hsv = flow_to_hsv


def flow_to_hsv(flow, max_magnitude=None):
    hsv = _solution_flow_to_hsv(flow, max_magnitude)
    flow = np.asarray(flow, dtype=np.float64)
    magnitude = np.hypot(flow[..., 0], flow[..., 1])
    scale = magnitude.max() if max_magnitude is None else max_magnitude
    if scale > 0:
        hsv[..., 2] = np.rint(255 * magnitude / scale).astype(np.int64).astype(np.uint8)
    return hsv
