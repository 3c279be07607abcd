"""box_iou and generalized_box_iou one row of `a` at a time, with |A ∪ B| = (|A| - |A ∩ B|) + |B| and
GIoU = IoU - 1 + |A ∪ B| / |C| (the same quantity, rounded in another order)."""


def _row_overlaps(box, b):
    """Intersection, union and enclosing area of one xyxy box (4,) against boxes b (M, 4)."""
    width = (torch.minimum(box[2], b[:, 2]) - torch.maximum(box[0], b[:, 0])).clamp(min=0)
    height = (torch.minimum(box[3], b[:, 3]) - torch.maximum(box[1], b[:, 1])).clamp(min=0)
    inter = width * height
    union = ((box[2] - box[0]) * (box[3] - box[1]) - inter) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    enclosing = ((torch.maximum(box[2], b[:, 2]) - torch.minimum(box[0], b[:, 0]))
                 * (torch.maximum(box[3], b[:, 3]) - torch.minimum(box[1], b[:, 1])))
    return inter, union, enclosing


def box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    rows = [torch.zeros(b.shape[0], dtype=a.dtype, device=a.device)]
    for box in a:
        inter, union, _ = _row_overlaps(box, b)
        rows.append(torch.where(union > 0, inter / union, torch.zeros_like(union)))
    return torch.stack(rows)[1:]


def generalized_box_iou(a, b):
    _check_boxes("a", a)
    _check_boxes("b", b)
    rows = [torch.zeros(b.shape[0], dtype=a.dtype, device=a.device)]
    for box in a:
        inter, union, enclosing = _row_overlaps(box, b)
        iou = torch.where(union > 0, inter / union, torch.zeros_like(union))
        rows.append(iou - 1 + union / enclosing)
    return torch.stack(rows)[1:]
