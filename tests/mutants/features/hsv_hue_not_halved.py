"""flow_to_hsv stores the angle in degrees (0..359) as the hue instead of halving it into OpenCV's 0..179."""

_solution_flow_to_hsv = flow_to_hsv


def flow_to_hsv(flow, max_magnitude=None):
    hsv = _solution_flow_to_hsv(flow, max_magnitude)
    flow = np.asarray(flow, dtype=np.float64)
    angle = np.mod(np.degrees(np.arctan2(flow[..., 1], flow[..., 0])), 360.0)
    hsv[..., 0] = np.rint(angle).astype(np.int64).astype(np.uint8)  # wraps above 255
    return hsv
