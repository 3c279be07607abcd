"""warp_image reads image(r − dy, c − dx), moving the image along the flow instead of sampling where it points."""

_solution_warp_image = warp_image


def warp_image(image, flow):
    return _solution_warp_image(image, -np.asarray(flow, dtype=np.float64))
