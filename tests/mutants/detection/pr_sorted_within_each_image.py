"""precision_recall_curve sorts the detections of each image by score but then takes the images one after another."""


def precision_recall_curve(detections, ground_truth, iou_threshold=0.5):
    _check_iou_threshold(iou_threshold)
    _check_images(detections, ground_truth)
    device = detections[0][0].device
    flags = []
    for (boxes, scores), gt in zip(detections, ground_truth):
        ious = box_iou(boxes, gt.to(boxes)).cpu()
        matched = torch.zeros(gt.shape[0], dtype=torch.bool)
        for det in torch.sort(scores, descending=True, stable=True).indices.tolist():
            candidates = ious[det].masked_fill(matched, -1.0)
            hit = bool(candidates.numel()) and bool(candidates.max() >= iou_threshold)
            if hit:
                matched[candidates.argmax()] = True
            flags.append(float(hit))
    hits = torch.cumsum(torch.tensor(flags, dtype=torch.float64), dim=0)
    total = sum(gt.shape[0] for gt in ground_truth)
    precision = hits / torch.arange(1, len(flags) + 1, dtype=torch.float64)
    return precision.to(device), (hits / total).to(device)
