"""nms as in the Udacity notes: take the best remaining box, drop the rest that overlap it by more than the
threshold, repeat (one IoU row per kept box); batched_nms with torchvision's trick: shift each label's boxes
far from the others' and run one nms."""


def nms(boxes, scores, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    remaining = torch.sort(scores, descending=True, stable=True).indices
    kept = []
    while remaining.numel():
        best, remaining = remaining[0], remaining[1:]
        kept.append(best)
        overlap = box_iou(boxes[best][None], boxes[remaining])[0]
        remaining = remaining[overlap <= iou_threshold]
    return torch.stack(kept) if kept else torch.zeros(0, dtype=torch.int64, device=boxes.device)


def batched_nms(boxes, scores, labels, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    _check_per_box("labels", labels, "boxes", boxes)
    if boxes.numel() == 0:
        return torch.zeros(0, dtype=torch.int64, device=boxes.device)
    offsets = labels.to(boxes) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)
