"""batched_nms concatenates each label's kept boxes, label by label, instead of ordering them all by score."""


def batched_nms(boxes, scores, labels, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    _check_per_box("labels", labels, "boxes", boxes)
    kept = [torch.empty(0, dtype=torch.int64, device=boxes.device)]
    for label in torch.unique(labels):
        members = torch.nonzero(labels == label).flatten()
        kept.append(members[nms(boxes[members], scores[members], iou_threshold)])
    return torch.cat(kept)
