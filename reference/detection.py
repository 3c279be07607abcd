"""Trusted references for the `detection` graders: torchvision.ops and pycocotools' COCOeval.

Graders call these in the grading process on float64 copies of the inputs, on the CPU
(torchvision's CPU nms visits equal scores in index order, the order the contract
states), and move the results to the submission's device.
"""

import contextlib
import io

import numpy as np
import torch
import torchvision
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

CATEGORY = 1  # the single class every box belongs to


def _cpu64(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().to(device="cpu", dtype=torch.float64)


def box_convert(boxes, in_fmt, out_fmt):
    return torchvision.ops.box_convert(_cpu64(boxes), in_fmt, out_fmt)


def box_area(boxes):
    return torchvision.ops.box_area(_cpu64(boxes))


def box_iou(a, b):
    """torchvision's IoU, with the contract's 0 where the union is 0 (0/0, the only NaN it gives)."""
    return torch.nan_to_num(torchvision.ops.box_iou(_cpu64(a), _cpu64(b)), nan=0.0)


def generalized_box_iou(a, b):
    return torchvision.ops.generalized_box_iou(_cpu64(a), _cpu64(b))


def nms(boxes, scores, iou_threshold):
    return torchvision.ops.nms(_cpu64(boxes), _cpu64(scores), iou_threshold)


def batched_nms(boxes, scores, labels, iou_threshold):
    """torchvision's batched_nms; below 1000 boxes on the CPU it runs one nms on class-offset boxes.

    Offsetting adds integers to the coordinates: exact in float64 for the graders' boxes,
    which lie on a coarse binary grid, so IoUs at the threshold stay exactly at it.
    """
    return torchvision.ops.batched_nms(_cpu64(boxes), _cpu64(scores), labels.cpu(), iou_threshold)


def format_yolo_labels(classes, boxes):
    """The label file as Ultralytics writes it: "%d" class, "%.6f" coordinates, one "\\n"-terminated line each."""
    rows = zip(classes.tolist(), boxes.detach().cpu().double().tolist())
    return "".join("%d %.6f %.6f %.6f %.6f\n" % (label, *coords) for label, coords in rows)


def yolo_to_xyxy(boxes, image_size):
    """torchvision's cxcywh -> xyxy, then scaled by (width, height, width, height)."""
    height, width = image_size
    scale = torch.tensor([width, height, width, height], dtype=torch.float64)
    return torchvision.ops.box_convert(_cpu64(boxes), "cxcywh", "xyxy") * scale


def xyxy_to_yolo(boxes, image_size):
    """Scaled by (1/width, 1/height, 1/width, 1/height), then torchvision's xyxy -> cxcywh."""
    height, width = image_size
    scale = torch.tensor([width, height, width, height], dtype=torch.float64)
    return torchvision.ops.box_convert(_cpu64(boxes) / scale, "xyxy", "cxcywh")


# -- COCOeval built in memory ----------------------------------------------------

def _xywh(boxes) -> list[list[float]]:
    """COCO's bbox format (x, y, w, h) of xyxy boxes, computed in float64."""
    return torchvision.ops.box_convert(_cpu64(boxes), "xyxy", "xywh").tolist()


def _coco_ground_truth(ground_truth) -> COCO:
    """A COCO object for images 1..n, one category, every box a plain (non-crowd) annotation.

    Annotation ids start at 1: COCOeval records a match as the partner's id, so id 0 would read as unmatched.
    """
    annotations = []
    for image_id, boxes in enumerate(ground_truth, start=1):
        for x, y, w, h in _xywh(boxes):
            annotations.append({"id": len(annotations) + 1, "image_id": image_id, "category_id": CATEGORY,
                                "bbox": [x, y, w, h], "area": w * h, "iscrowd": 0})
    coco = COCO()
    coco.dataset = {"images": [{"id": i} for i in range(1, len(ground_truth) + 1)],
                    "annotations": annotations, "categories": [{"id": CATEGORY, "name": "object"}]}
    coco.createIndex()
    return coco


def _coco_detections(detections) -> list[dict]:
    return [{"image_id": image_id, "category_id": CATEGORY, "bbox": bbox, "score": score}
            for image_id, (boxes, scores) in enumerate(detections, start=1)
            for bbox, score in zip(_xywh(boxes), _cpu64(scores).tolist())]


def _coco_results(gt: COCO, results: list[dict]) -> COCO:
    """gt.loadRes(results); loadRes cannot take an empty list, so no detection at all is an empty result set."""
    if results:
        return gt.loadRes(results)
    empty = COCO()
    empty.dataset = {"images": list(gt.dataset["images"]), "annotations": [],
                     "categories": list(gt.dataset["categories"])}
    empty.createIndex()
    return empty


def _evaluated(detections, ground_truth, iou_threshold) -> COCOeval:
    """COCOeval after evaluate() and accumulate(): bbox IoU (no +1 pixel convention in pycocotools 2.x),
    iouThrs = [iou_threshold] (a match needs IoU >= it), one category, area range "all",
    maxDets above any detection count (no truncation); its progress prints are silenced."""
    with contextlib.redirect_stdout(io.StringIO()):
        gt = _coco_ground_truth(ground_truth)
        dt = _coco_results(gt, _coco_detections(detections))
        evaluation = COCOeval(gt, dt, iouType="bbox")
        evaluation.params.iouThrs = np.array([iou_threshold], dtype=np.float64)
        evaluation.params.catIds = [CATEGORY]
        evaluation.params.maxDets = [10 ** 9]
        evaluation.params.areaRng = [[0.0, 1e10]]
        evaluation.params.areaRngLbl = ["all"]
        evaluation.evaluate()
        evaluation.accumulate()
    return evaluation


def evaluate(detections, ground_truth, iou_threshold):
    """(AP, precision, recall) from one COCOeval run; see average_precision and precision_recall_curve."""
    evaluation = _evaluated(detections, ground_truth, iou_threshold)
    return (_average_precision(evaluation),) + _precision_recall_curve(evaluation)


def average_precision(detections, ground_truth, iou_threshold):
    return evaluate(detections, ground_truth, iou_threshold)[0]


def precision_recall_curve(detections, ground_truth, iou_threshold):
    return evaluate(detections, ground_truth, iou_threshold)[1:]


def _average_precision(evaluation: COCOeval) -> float:
    """COCOeval's precision[T=0, :, K=0, A=0, M=0], averaged over its 101 recall points, as summarize() does."""
    return float(np.mean(evaluation.eval["precision"][0, :, 0, 0, 0]))


def _precision_recall_curve(evaluation: COCOeval) -> tuple[torch.Tensor, torch.Tensor]:
    """The curve COCOeval.accumulate() builds before interpolating, from COCOeval's own matches.

    Per image, evaluateImg records each detection's matched ground-truth id (0: none);
    accumulate concatenates the images' detections, sorts them by score with a stable
    mergesort and counts true positives. Precision is TP_k / k here (COCOeval divides by
    k + 2^-52, a relative difference below 1e-16).
    """
    images = [e for e in evaluation.evalImgs if e is not None]
    scores = np.concatenate([np.asarray(e["dtScores"], dtype=np.float64) for e in images])
    matches = np.concatenate([e["dtMatches"][0] for e in images])
    total = sum(int(np.count_nonzero(e["gtIgnore"] == 0)) for e in images)
    order = np.argsort(-scores, kind="mergesort")
    hits = np.cumsum(matches[order] > 0, dtype=np.float64)
    precision = hits / np.arange(1, len(hits) + 1, dtype=np.float64)
    return torch.from_numpy(precision), torch.from_numpy(hits / total)
