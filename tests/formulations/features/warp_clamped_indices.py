"""warp_image clamps the two neighbour indices instead of the position, and interpolates as a + t·(b − a)."""


def warp_image(image, flow):
    image = _check_image("image", image)
    flow = _check_flow(flow, image.shape)
    height, width = image.shape
    rows, cols = np.indices(image.shape, dtype=np.float64)
    y, x = rows + flow[..., 1], cols + flow[..., 0]
    fy, fx = np.floor(y), np.floor(x)
    ty, tx = y - fy, x - fx
    y0, y1 = np.clip(fy, 0, height - 1).astype(int), np.clip(fy + 1, 0, height - 1).astype(int)
    x0, x1 = np.clip(fx, 0, width - 1).astype(int), np.clip(fx + 1, 0, width - 1).astype(int)
    top = image[y0, x0] + tx * (image[y0, x1] - image[y0, x0])
    bottom = image[y1, x0] + tx * (image[y1, x1] - image[y1, x0])
    return top + ty * (bottom - top)
