"""cls_attention_map keeps the CLS key and drops the last patch (weights[:, :, 0, :N] instead of [:, :, 0, 1:])."""


def cls_attention_map(weights, grid_size, image_size):
    gh, gw = grid_size
    cls_row = weights[:, :, 0, : gh * gw].mean(dim=1)
    grid = cls_row.reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=False)[:, 0]
