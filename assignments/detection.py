"""Object detection building blocks (spec §9): box formats, IoU, NMS, YOLO label files, COCO-style AP.

Boxes are float tensors (N, 4). Unless a function says otherwise they are "xyxy":
corners (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2, in pixels. A box of zero width or
height is allowed (its area is 0); a box with x2 < x1 or y2 < y1 is not a valid input.
Every function works on the device of its boxes, and box-valued results (boxes, areas,
IoUs) keep their dtype (float32 or float64); N = 0 (empty) inputs work and give empty
results. Boxes of another shape than (N, 4): ValueError naming the parameter.
"""

import torch

BOX_FORMATS = ("xyxy", "xywh", "cxcywh")
RECALL_POINTS = 101  # COCO: recall 0, 0.01, ..., 1


# -- input checks (shared by the functions below) ------------------------------

def _check_boxes(name: str, boxes: torch.Tensor) -> None:
    """ValueError unless `boxes` is a float tensor of shape (N, 4)."""
    if not isinstance(boxes, torch.Tensor) or boxes.dim() != 2 or boxes.shape[1] != 4 \
            or not boxes.is_floating_point():
        shape = tuple(boxes.shape) if isinstance(boxes, torch.Tensor) else type(boxes).__name__
        raise ValueError(f"{name} must be a float tensor of shape (N, 4), got {shape}")


def _check_per_box(name: str, values: torch.Tensor, boxes_name: str, boxes: torch.Tensor) -> None:
    """ValueError unless `values` is a tensor of shape (N,), one value per box of `boxes` (N, 4)."""
    if not isinstance(values, torch.Tensor) or values.shape != boxes.shape[:1]:
        shape = tuple(values.shape) if isinstance(values, torch.Tensor) else type(values).__name__
        raise ValueError(f"{name} must have shape ({boxes.shape[0]},), one value per box of {boxes_name}, got {shape}")


def _check_image_size(image_size) -> tuple[float, float]:
    """(height, width) as floats; ValueError unless `image_size` is two numbers > 0."""
    try:
        height, width = (float(v) for v in image_size)
    except (TypeError, ValueError):
        raise ValueError(f"image_size must be (height, width), got {image_size!r}") from None
    if not (height > 0 and width > 0):
        raise ValueError(f"image_size must be (height, width) with both > 0, got {image_size!r}")
    return height, width


def _check_iou_threshold(iou_threshold: float) -> None:
    """ValueError unless 0 <= iou_threshold <= 1."""
    if not 0.0 <= iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must lie in [0, 1], got {iou_threshold!r}")


def _check_images(detections, ground_truth) -> None:
    """ValueError unless both hold one well-shaped entry per image and there is at least one ground-truth box."""
    if len(detections) != len(ground_truth):
        raise ValueError(f"detections and ground_truth must hold one entry per image, "
                         f"got {len(detections)} and {len(ground_truth)}")
    for i, (entry, gt) in enumerate(zip(detections, ground_truth)):
        if len(entry) != 2:
            raise ValueError(f"detections[{i}] must be a pair (boxes, scores)")
        _check_boxes(f"detections[{i}] boxes", entry[0])
        _check_per_box(f"detections[{i}] scores", entry[1], "its boxes", entry[0])
        _check_boxes(f"ground_truth[{i}]", gt)
    if sum(gt.shape[0] for gt in ground_truth) == 0:
        raise ValueError("ground_truth holds no box: precision and recall need at least one")


# -- box formats, areas and overlaps -------------------------------------------

def box_convert(boxes: torch.Tensor, in_fmt: str, out_fmt: str) -> torch.Tensor:
    """Convert boxes (N, 4) from `in_fmt` to `out_fmt`.

    Formats: "xyxy" = corners (x1, y1, x2, y2); "xywh" = top-left corner and size
    (x1, y1, w, h); "cxcywh" = centre and size (cx, cy, w, h). So x2 = x1 + w,
    cx = (x1 + x2) / 2, x1 = cx - w / 2 (likewise for y and h). The same format in
    and out returns a copy. A format not among the three: ValueError naming
    `in_fmt` or `out_fmt`.
    """
    raise NotImplementedError("detection.box_convert: not implemented yet")


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """Areas (N,) of xyxy boxes: (x2 - x1)·(y2 - y1), 0 for a box of zero width or height."""
    raise NotImplementedError("detection.box_area: not implemented yet")


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise intersection over union (N, M) of xyxy boxes a (N, 4) and b (M, 4).

    IoU = |A ∩ B| / |A ∪ B|, with the intersection's width and height clamped at 0
    (disjoint boxes do not overlap) and |A ∪ B| = |A| + |B| - |A ∩ B|. A pair whose
    union is 0 (two zero-area boxes) has IoU 0, not NaN.
    """
    raise NotImplementedError("detection.box_iou: not implemented yet")


def generalized_box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise generalised IoU (N, M) of xyxy boxes a (N, 4) and b (M, 4) (Rezatofighi et al., 2019).

    GIoU = IoU - (|C| - |A ∪ B|) / |C|, with C the smallest box enclosing both A and B;
    it lies in (-1, 1] and, unlike IoU, still tells apart disjoint boxes by how far
    apart they are. Pairs of two zero-area boxes (union 0) are not graded.
    """
    raise NotImplementedError("detection.generalized_box_iou: not implemented yet")


# -- non-maximum suppression ---------------------------------------------------

def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Greedy non-maximum suppression: int64 (K,) indices of the kept boxes, by descending score.

    Boxes are visited by descending score; equal scores are visited in index order
    (lower index first: a stable sort, as torchvision's nms does on the CPU). A box is
    kept unless its IoU (as box_iou computes it) with an already kept box is >
    iou_threshold: an IoU exactly equal to the threshold does not suppress, and a
    zero-area box (IoU 0 with every box) neither suppresses nor is suppressed at
    any iou_threshold >= 0. The indices come in the order the kept boxes were
    visited, on the device of `boxes`. boxes (N, 4) xyxy, scores (N,), else ValueError.
    """
    raise NotImplementedError("detection.nms: not implemented yet")


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """NMS within each label only: a box is suppressed only by a kept box of the same label.

    labels (N,) integer class of each box. Returns the int64 indices kept over all
    labels, by descending score, equal scores in index order (lower index first), on
    the device of `boxes`. Shapes that do not match: ValueError.
    """
    raise NotImplementedError("detection.batched_nms: not implemented yet")


# -- YOLO label files ----------------------------------------------------------

def parse_yolo_labels(text: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Read an Ultralytics YOLO label file: (classes int64 (N,), boxes float32 (N, 4) cxcywh), on the CPU.

    One object per line, "class cx cy w h", fields separated by whitespace: the class a
    non-negative integer written without a decimal point ("3", not "3.0"), then the
    centre and size normalised by the image's width (cx, w) and height (cy, h), each a
    number in [0, 1] (0 and 1 included). Lines holding only whitespace are ignored.
    Any other line (not 5 fields, a bad class, a coordinate that is not a number or
    lies outside [0, 1]): ValueError whose message names the line as "line <n>", n
    counting every line of `text` from 1, blank lines included.
    """
    raise NotImplementedError("detection.parse_yolo_labels: not implemented yet")


def format_yolo_labels(classes: torch.Tensor, boxes: torch.Tensor) -> str:
    """Write an Ultralytics YOLO label file: one line "class cx cy w h" per object.

    classes (N,) integers, written as integers; boxes (N, 4) normalised cxcywh, each
    coordinate written with six decimals ("%.6f" of its value: 0.5 -> "0.500000"),
    fields separated by one space, every line ending with "\\n" (the last one too);
    no objects gives "". parse_yolo_labels(format_yolo_labels(c, b)) gives back c and
    b to within 1e-6. Shapes that do not match: ValueError.
    """
    raise NotImplementedError("detection.format_yolo_labels: not implemented yet")


def yolo_to_xyxy(boxes: torch.Tensor, image_size) -> torch.Tensor:
    """Normalised cxcywh boxes (N, 4) -> pixel xyxy boxes for an image of `image_size` = (height, width).

    x1 = (cx - w/2)·width, y1 = (cy - h/2)·height, x2 = (cx + w/2)·width,
    y2 = (cy + h/2)·height; no clipping. image_size not two numbers > 0: ValueError
    naming image_size.
    """
    raise NotImplementedError("detection.yolo_to_xyxy: not implemented yet")


def xyxy_to_yolo(boxes: torch.Tensor, image_size) -> torch.Tensor:
    """Pixel xyxy boxes (N, 4) -> normalised cxcywh boxes for an image of `image_size` = (height, width).

    cx = (x1 + x2) / (2·width), cy = (y1 + y2) / (2·height), w = (x2 - x1) / width,
    h = (y2 - y1) / height: the inverse of yolo_to_xyxy; no clipping. image_size not
    two numbers > 0: ValueError naming image_size.
    """
    raise NotImplementedError("detection.xyxy_to_yolo: not implemented yet")


# -- average precision ---------------------------------------------------------

def precision_recall_curve(detections, ground_truth, iou_threshold: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """Precision and recall (D,) float64 after each of the D detections of all images, by descending score.

    `detections`: per image a pair (boxes (N_i, 4) xyxy, scores (N_i,)); `ground_truth`:
    per image boxes (M_i, 4) xyxy (one class). The detections of all images are taken
    by descending score (equal scores: earlier image first, then lower index, as
    COCOeval's stable sort). Each is matched to the not yet matched ground-truth box of
    its own image with the highest IoU, if that IoU is >= iou_threshold (exactly equal
    matches); it is then a true positive, else a false positive. A ground-truth box is
    matched at most once, so a second detection of it is a false positive. (Which of
    two boxes at exactly the same IoU a detection takes is not graded.) After the k-th
    detection: precision = TP_k / k, recall = TP_k / G with G the number of
    ground-truth boxes. Results on the device of the detection boxes.
    Different numbers of images, shapes that do not match, no ground-truth box at all,
    or iou_threshold outside [0, 1]: ValueError.
    """
    raise NotImplementedError("detection.precision_recall_curve: not implemented yet")


def average_precision(detections, ground_truth, iou_threshold: float = 0.5) -> float:
    """Single-class COCO average precision at one IoU threshold, a Python float computed in float64.

    Inputs, matching and the precision/recall curve as in precision_recall_curve. The
    interpolated precision at recall r is the highest precision reached at any recall
    >= r (0 if the recall never reaches r); AP is its mean over the 101 recall points
    r = 0, 0.01, ..., 1 (COCO's 101-point interpolation). No detection at all gives 0.
    The same bad inputs as precision_recall_curve: ValueError.
    """
    raise NotImplementedError("detection.average_precision: not implemented yet")
