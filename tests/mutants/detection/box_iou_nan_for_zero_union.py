"""box_iou divides by the union as it is, so two zero-area boxes give 0/0 = NaN (torchvision's behaviour)."""


def box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    return inter / (box_area(a)[:, None] + box_area(b)[None, :] - inter)
