"""cls_attention_map reshapes the patches column-major, (gw, gh) then transposed, instead of row-major (gh, gw)."""


def cls_attention_map(weights, grid_size, image_size):
    gh, gw = grid_size
    if weights.shape[-1] != 1 + gh * gw:
        raise ValueError("weights do not match grid_size")
    cls_row = weights[:, :, 0, 1:].mean(dim=1)
    grid = cls_row.reshape(-1, 1, gw, gh).transpose(-1, -2)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=False)[:, 0]
