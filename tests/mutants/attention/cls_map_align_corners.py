"""cls_attention_map resizes with align_corners=True instead of align_corners=False."""


def cls_attention_map(weights, grid_size, image_size):
    gh, gw = grid_size
    cls_row = weights[:, :, 0, 1:].mean(dim=1)
    grid = cls_row.reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=True)[:, 0]
