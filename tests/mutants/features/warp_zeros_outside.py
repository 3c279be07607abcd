"""warp_image treats pixels outside the image as 0 instead of clamping positions to the image."""


def warp_image(image, flow):
    image = _check_image("image", image)
    flow = _check_flow(flow, image.shape)
    padded = np.pad(image, 1)  # a frame of zeros, then clamp into the frame
    rows, cols = np.indices(image.shape, dtype=np.float64)
    y = np.clip(rows + flow[..., 1] + 1, 0, image.shape[0] + 1)
    x = np.clip(cols + flow[..., 0] + 1, 0, image.shape[1] + 1)
    y0, x0 = np.floor(y).astype(np.int64), np.floor(x).astype(np.int64)
    y1, x1 = np.minimum(y0 + 1, image.shape[0] + 1), np.minimum(x0 + 1, image.shape[1] + 1)
    wy, wx = y - y0, x - x0
    top = (1 - wx) * padded[y0, x0] + wx * padded[y0, x1]
    bottom = (1 - wx) * padded[y1, x0] + wx * padded[y1, x1]
    return (1 - wy) * top + wy * bottom
