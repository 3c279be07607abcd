"""average_precision integrates the enveloped curve over recall (Pascal VOC 2010+) instead of sampling 101 points."""


def average_precision(detections, ground_truth, iou_threshold=0.5):
    precision, recall = precision_recall_curve(detections, ground_truth, iou_threshold)
    if precision.numel() == 0:
        return 0.0
    envelope = precision.flip(0).cummax(0).values.flip(0)
    steps = torch.diff(recall, prepend=torch.zeros(1, dtype=recall.dtype, device=recall.device))
    return (steps * envelope).sum().item()
