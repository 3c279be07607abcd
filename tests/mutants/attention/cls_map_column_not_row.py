"""cls_attention_map reads the CLS column (how much each patch attends to CLS) instead of the CLS row."""


def cls_attention_map(weights, grid_size, image_size):
    gh, gw = grid_size
    cls_col = weights[:, :, 1:, 0].mean(dim=1)
    grid = cls_col.reshape(-1, 1, gh, gw)
    return F.interpolate(grid, size=tuple(image_size), mode="bilinear", align_corners=False)[:, 0]
