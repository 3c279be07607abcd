"""box_iou does not clamp the intersection's width and height at 0: boxes apart in x and y 'overlap'."""


def box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = bottom_right - top_left
    inter = size[..., 0] * size[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return torch.where(union > 0, inter / union, torch.zeros_like(union))
