"""batched_nms ignores the labels: boxes of different classes suppress each other."""


def batched_nms(boxes, scores, labels, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    _check_per_box("labels", labels, "boxes", boxes)
    return nms(boxes, scores, iou_threshold)
