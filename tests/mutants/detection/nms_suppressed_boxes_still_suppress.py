"""nms in one vectorised step: a box is dropped if any higher-scoring box overlaps it, even a dropped one."""


def nms(boxes, scores, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    order = torch.sort(scores, descending=True, stable=True).indices
    overlaps = box_iou(boxes[order], boxes[order]) > iou_threshold
    higher = torch.ones_like(overlaps).triu(diagonal=1)  # [i, j]: i visited before j
    dropped = (overlaps & higher).any(dim=0)
    return order[~dropped]
