"""average_precision reads the raw precision where the recall first reaches each point, without the envelope."""


def average_precision(detections, ground_truth, iou_threshold=0.5):
    precision, recall = precision_recall_curve(detections, ground_truth, iou_threshold)
    if precision.numel() == 0:
        return 0.0
    points = torch.arange(RECALL_POINTS, dtype=torch.float64, device=recall.device) / (RECALL_POINTS - 1)
    first = torch.searchsorted(recall, points, side="left")
    reached = first < len(recall)
    interpolated = torch.where(reached, precision[first.clamp(max=len(recall) - 1)], torch.zeros_like(points))
    return interpolated.mean().item()
