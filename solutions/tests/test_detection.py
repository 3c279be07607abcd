"""Public tests for detection.py: small examples you can check by hand.

Run them with `python -m pytest tests/test_detection.py` from the folder of detection.py.
The hidden graders check many more cases against torchvision.ops and pycocotools' COCOeval.
"""

import math

import pytest
import torch

import detection


def boxes(*rows, dtype=torch.float32):
    return torch.tensor(rows, dtype=dtype).reshape(-1, 4)


def close(actual, expected, atol=1e-6):
    return torch.allclose(actual, torch.as_tensor(expected, dtype=actual.dtype), rtol=0, atol=atol)


def test_box_convert_between_the_three_formats():
    xyxy = boxes([0, 0, 4, 2], [1, 1, 2, 5])
    cxcywh = detection.box_convert(xyxy, "xyxy", "cxcywh")
    assert close(cxcywh, [[2, 1, 4, 2], [1.5, 3, 1, 4]]), \
        f"xyxy -> cxcywh: the centre is the corners' mean, got {cxcywh}"
    xywh = detection.box_convert(cxcywh, "cxcywh", "xywh")
    assert close(xywh, [[0, 0, 4, 2], [1, 1, 1, 4]]), f"cxcywh -> xywh: x1 = cx - w/2, got {xywh}"
    back = detection.box_convert(xywh, "xywh", "xyxy")
    assert close(back, xyxy), f"xywh -> xyxy should give the boxes back, got {back}"
    assert detection.box_convert(xyxy.double(), "xyxy", "xywh").dtype == torch.float64, "keep the input's dtype"


def test_box_convert_rejects_unknown_format():
    with pytest.raises(ValueError, match="out_fmt"):
        detection.box_convert(boxes([0, 0, 1, 1]), "xyxy", "yolo")


def test_box_area():
    area = detection.box_area(boxes([0, 0, 4, 2], [1, 1, 1, 5]))
    assert close(area, [8, 0]), f"areas (x2 - x1)·(y2 - y1) should be [8, 0] (a zero-width box has area 0), got {area}"


def test_box_iou_by_hand():
    a = boxes([0, 0, 2, 2])
    b = boxes([1, 1, 3, 3], [5, 5, 6, 6], [0, 0, 2, 2], [3, 3, 4, 4])
    iou = detection.box_iou(a, b)
    # overlap 1 of a union 4 + 4 - 1 = 7; disjoint; identical; apart in x and in y (clamp the overlap at 0)
    assert iou.shape == (1, 4), f"box_iou of (1, 4) and (4, 4) boxes should be (1, 4), got {tuple(iou.shape)}"
    assert close(iou, [[1 / 7, 0, 1, 0]]), f"expected [[1/7, 0, 1, 0]], got {iou}"


def test_box_iou_of_two_zero_area_boxes_is_zero():
    point = boxes([1, 1, 1, 1])
    iou = detection.box_iou(point, point)
    assert not torch.isnan(iou).any(), "the union of two zero-area boxes is 0: return IoU 0, not 0/0 = NaN"
    assert close(iou, [[0.0]])


def test_generalized_box_iou_of_disjoint_boxes():
    # IoU 0; the enclosing box [0, 0, 3, 1] has area 3, the union 2: GIoU = 0 - (3 - 2)/3
    giou = detection.generalized_box_iou(boxes([0, 0, 1, 1]), boxes([2, 0, 3, 1], [0, 0, 1, 1]))
    assert close(giou, [[-1 / 3, 1]]), f"expected [[-1/3, 1]], got {giou}"


def test_nms_keeps_a_box_whose_iou_equals_the_threshold():
    # the two boxes overlap by 2 of a union of 4: IoU exactly 0.5
    b = boxes([0, 0, 3, 1], [1, 0, 4, 1], [10, 10, 12, 12])
    scores = torch.tensor([0.9, 0.8, 0.95])
    kept = detection.nms(b, scores, 0.5)
    assert kept.dtype == torch.int64, f"nms should return int64 indices, got {kept.dtype}"
    assert kept.tolist() == [2, 0, 1], \
        f"IoU 0.5 is not > 0.5, so nothing is suppressed; by score: [2, 0, 1], got {kept.tolist()}"
    kept = detection.nms(b, scores, 0.4)
    assert kept.tolist() == [2, 0], f"at threshold 0.4 box 1 (IoU 0.5 with box 0) goes, got {kept.tolist()}"


def test_nms_visits_equal_scores_in_index_order():
    b = boxes([0, 0, 2, 2], [0, 0, 2, 2])
    kept = detection.nms(b, torch.tensor([0.5, 0.5]), 0.5)
    assert kept.tolist() == [0], f"equal scores: the lower index is visited first and kept, got {kept.tolist()}"


def test_batched_nms_suppresses_within_a_label_only():
    b = boxes([0, 0, 2, 2], [0, 0, 2, 2], [0, 0, 2, 2])
    kept = detection.batched_nms(b, torch.tensor([0.9, 0.8, 0.7]), torch.tensor([0, 1, 0]), 0.5)
    assert kept.tolist() == [0, 1], \
        f"box 1 has another label and stays, box 2 is box 0's twin: [0, 1], got {kept.tolist()}"


def test_yolo_labels_round_trip():
    text = "0 0.500000 0.500000 0.250000 0.100000\n\n3 0.1 1 0 0.5\n"
    classes, b = detection.parse_yolo_labels(text)
    assert classes.tolist() == [0, 3] and classes.dtype == torch.int64, f"classes should be int64 [0, 3], got {classes}"
    assert b.dtype == torch.float32 and close(b, [[0.5, 0.5, 0.25, 0.1], [0.1, 1, 0, 0.5]]), \
        f"boxes should be float32 cxcywh, the blank line ignored and 0 and 1 accepted, got {b}"
    written = detection.format_yolo_labels(classes, b)
    assert written == "0 0.500000 0.500000 0.250000 0.100000\n3 0.100000 1.000000 0.000000 0.500000\n", \
        f"six decimals, one space between fields, every line ending with \\n, got {written!r}"


def test_parse_yolo_labels_names_the_bad_line():
    with pytest.raises(ValueError, match=r"line 3\b"):
        detection.parse_yolo_labels("0 0.5 0.5 0.2 0.2\n\n1 0.5 1.2 0.2 0.2\n")  # 1.2 > 1, on line 3


def test_yolo_to_xyxy_and_back():
    image_size = (100, 200)  # (height, width)
    xyxy = detection.yolo_to_xyxy(boxes([0.5, 0.5, 0.5, 0.2]), image_size)
    assert close(xyxy, [[50, 40, 150, 60]], atol=1e-4), \
        f"centre (100, 50) px, size 100 x 20 px: expected [[50, 40, 150, 60]], got {xyxy}"
    back = detection.xyxy_to_yolo(xyxy, image_size)
    assert close(back, [[0.5, 0.5, 0.5, 0.2]]), f"xyxy_to_yolo should invert yolo_to_xyxy, got {back}"


def test_average_precision_by_hand():
    ground_truth = [boxes([0, 0, 10, 10], [20, 0, 30, 10])]
    detections = [(boxes([0, 0, 10, 10], [50, 50, 60, 60], [20, 0, 30, 9]), torch.tensor([0.9, 0.8, 0.7]))]
    precision, recall = detection.precision_recall_curve(detections, ground_truth, 0.5)
    # hit, miss, hit: precision 1, 1/2, 2/3 and recall 1/2, 1/2, 1
    assert close(precision, [1, 1 / 2, 2 / 3]) and close(recall, [0.5, 0.5, 1]), \
        f"expected precision [1, 0.5, 0.667] and recall [0.5, 0.5, 1], got {precision} and {recall}"
    ap = detection.average_precision(detections, ground_truth, 0.5)
    # interpolated precision: 1 at the 51 recall points 0 ... 0.5, 2/3 at the 50 points 0.51 ... 1
    expected = (51 * 1 + 50 * 2 / 3) / 101
    assert isinstance(ap, float) and math.isclose(ap, expected, rel_tol=1e-9), f"expected AP {expected:.6f}, got {ap}"
