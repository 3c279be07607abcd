"""precision_recall_curve as COCOeval computes it: match each image's detections in its own score order, then
merge the images' hit flags by a stable sort of all scores (the same matches: images do not interact);
precision as TP / (TP + FP); average_precision as a loop taking max(precision[recall >= r]) per recall point."""


def _image_hits(boxes, scores, gt, iou_threshold):
    """Hit flags (N,) of one image's detections, in their own index order."""
    ious = box_iou(boxes, gt.to(boxes)).double().cpu()
    matched = torch.zeros(gt.shape[0], dtype=torch.bool)
    hits = torch.zeros(boxes.shape[0], dtype=torch.bool)
    for det in torch.sort(scores, descending=True, stable=True).indices.tolist():
        best = ious[det].masked_fill(matched, -1.0).max(0) if gt.shape[0] else None
        if best is not None and best.values >= iou_threshold:
            matched[best.indices] = hits[det] = True
    return hits


def precision_recall_curve(detections, ground_truth, iou_threshold=0.5):
    _check_iou_threshold(iou_threshold)
    _check_images(detections, ground_truth)
    device = detections[0][0].device
    hits = torch.cat([_image_hits(b, s, g, iou_threshold) for (b, s), g in zip(detections, ground_truth)])
    scores = torch.cat([s.double().cpu() for _, s in detections])
    ranked = hits[torch.sort(scores, descending=True, stable=True).indices]
    tp = torch.cumsum(ranked.double(), dim=0)
    fp = torch.cumsum((~ranked).double(), dim=0)
    total = sum(g.shape[0] for g in ground_truth)
    return (tp / (tp + fp)).to(device), (tp / total).to(device)


def average_precision(detections, ground_truth, iou_threshold=0.5):
    precision, recall = (t.cpu() for t in precision_recall_curve(detections, ground_truth, iou_threshold))
    total = 0.0
    for i in range(RECALL_POINTS):
        reached = precision[recall >= i / (RECALL_POINTS - 1)]
        total += reached.max().item() if reached.numel() else 0.0
    return total / RECALL_POINTS
