"""warp_image reads flow[..., 0] as the row displacement and flow[..., 1] as the column one."""

_solution_warp_image = warp_image


def warp_image(image, flow):
    flow = np.asarray(flow, dtype=np.float64)
    return _solution_warp_image(image, flow[..., ::-1] if flow.ndim == 3 else flow)
