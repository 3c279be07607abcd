"""generalized_box_iou divides the empty part of the enclosing box by the union instead of the enclosing box."""


def generalized_box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    iou = torch.where(union > 0, inter / union, torch.zeros_like(union))
    hull = torch.maximum(a[:, None, 2:], b[None, :, 2:]) - torch.minimum(a[:, None, :2], b[None, :, :2])
    enclosing = hull[..., 0] * hull[..., 1]
    return iou - (enclosing - union) / union
