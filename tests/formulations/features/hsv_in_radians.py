"""flow_to_hsv with the angle brought into [0, 2π) in radians before converting (·180/π), and the magnitude as sqrt(dx² + dy²)."""


def flow_to_hsv(flow, max_magnitude=None):
    flow = _check_flow(flow)
    if max_magnitude is not None:
        _check_number("max_magnitude", max_magnitude, lambda m: 0 < m < np.inf, "None or a finite number > 0")
    dx, dy = flow[..., 0], flow[..., 1]
    radians = np.arctan2(dy, dx)
    radians = np.where(radians < 0, radians + 2 * np.pi, radians)
    magnitude = np.sqrt(dx * dx + dy * dy)
    scale = magnitude.max() if max_magnitude is None else max_magnitude
    value = np.clip(np.rint(255 * magnitude / scale), 0, 255) if scale > 0 else np.zeros_like(magnitude)
    hue = np.rint(radians * 180 / np.pi / 2) % 180
    return np.stack([hue, np.full_like(hue, 255), value], axis=-1).astype(np.uint8)
