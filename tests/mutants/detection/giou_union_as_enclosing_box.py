"""generalized_box_iou takes the union for the enclosing box, so the penalty vanishes and GIoU is plain IoU."""


def generalized_box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    iou = torch.where(union > 0, inter / union, torch.zeros_like(union))
    enclosing = union
    return iou - (enclosing - union) / enclosing
