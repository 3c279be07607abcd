"""precision_recall_curve never marks a ground-truth box as matched, so a second detection of it counts as a hit."""


def precision_recall_curve(detections, ground_truth, iou_threshold=0.5):
    _check_iou_threshold(iou_threshold)
    _check_images(detections, ground_truth)
    device = detections[0][0].device
    scores = torch.cat([entry[1].to(device=device, dtype=torch.float64) for entry in detections])
    image_of = torch.cat([torch.full((entry[1].shape[0],), i, dtype=torch.int64) for i, entry in enumerate(detections)])
    index_in_image = torch.cat([torch.arange(entry[1].shape[0]) for entry in detections])
    order = torch.sort(scores, descending=True, stable=True).indices.cpu()
    ious = [box_iou(boxes, gt.to(boxes)).cpu() for (boxes, _), gt in zip(detections, ground_truth)]
    true_positive = torch.zeros(len(order), dtype=torch.float64)
    for rank, k in enumerate(order.tolist()):
        candidates = ious[image_of[k].item()][index_in_image[k].item()]
        if candidates.numel() and candidates.max() >= iou_threshold:
            true_positive[rank] = 1.0
    hits = torch.cumsum(true_positive, dim=0)
    total = sum(gt.shape[0] for gt in ground_truth)
    precision = hits / torch.arange(1, len(order) + 1, dtype=torch.float64)
    return precision.to(device), (hits / total).to(device)
