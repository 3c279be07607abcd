"""flow_to_hsv forgets the mod 180, so angles just below 360° get hue 180 instead of 0."""

_solution_flow_to_hsv = flow_to_hsv


def flow_to_hsv(flow, max_magnitude=None):
    hsv = _solution_flow_to_hsv(flow, max_magnitude)
    flow = np.asarray(flow, dtype=np.float64)
    angle = np.mod(np.degrees(np.arctan2(flow[..., 1], flow[..., 0])), 360.0)
    hsv[..., 0] = np.rint(angle / 2)
    return hsv
