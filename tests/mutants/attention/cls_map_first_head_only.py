"""cls_attention_map uses head 0 only instead of averaging over the heads."""


def cls_attention_map(weights, grid_size, image_size):
    gh, gw = grid_size
    if weights.shape[-1] != 1 + gh * gw:
        raise ValueError("weights do not match grid_size")
    grid = weights[:, 0, 0, 1:].reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=False)[:, 0]
