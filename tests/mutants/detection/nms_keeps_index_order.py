"""nms returns the kept indices in index order instead of by descending score."""


def nms(boxes, scores, iou_threshold):
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    order = torch.sort(scores, descending=True, stable=True).indices
    overlaps = (box_iou(boxes[order], boxes[order]) > iou_threshold).cpu().tolist()
    suppressed = [False] * len(overlaps)
    kept = []
    for i, row in enumerate(overlaps):
        if suppressed[i]:
            continue
        kept.append(i)
        suppressed = [s or o for s, o in zip(suppressed, row)]
    return torch.sort(order[torch.tensor(kept, dtype=torch.int64, device=boxes.device)]).values
