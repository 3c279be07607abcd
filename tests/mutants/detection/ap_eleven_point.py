"""average_precision interpolates at the 11 recall points 0, 0.1, ..., 1 of Pascal VOC 2007, not COCO's 101."""


def average_precision(detections, ground_truth, iou_threshold=0.5):
    precision, recall = precision_recall_curve(detections, ground_truth, iou_threshold)
    if precision.numel() == 0:
        return 0.0
    envelope = precision.flip(0).cummax(0).values.flip(0)
    points = torch.arange(11, dtype=torch.float64, device=recall.device) / 10
    first = torch.searchsorted(recall, points, side="left")
    reached = first < len(recall)
    interpolated = torch.where(reached, envelope[first.clamp(max=len(recall) - 1)], torch.zeros_like(points))
    return interpolated.mean().item()
