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
    ### BEGIN SOLUTION
    for name, fmt in (("in_fmt", in_fmt), ("out_fmt", out_fmt)):
        if fmt not in BOX_FORMATS:
            raise ValueError(f"{name} must be one of {BOX_FORMATS}, got {fmt!r}")
    _check_boxes("boxes", boxes)
    if in_fmt == out_fmt:
        return boxes.clone()
    a, b, c, d = boxes.unbind(dim=1)
    if in_fmt == "xywh":
        a, b, c, d = a, b, a + c, b + d
    elif in_fmt == "cxcywh":
        a, b, c, d = a - c / 2, b - d / 2, a + c / 2, b + d / 2
    # (a, b, c, d) is now (x1, y1, x2, y2)
    if out_fmt == "xywh":
        a, b, c, d = a, b, c - a, d - b
    elif out_fmt == "cxcywh":
        a, b, c, d = (a + c) / 2, (b + d) / 2, c - a, d - b
    return torch.stack((a, b, c, d), dim=1)
    ### END SOLUTION


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """Areas (N,) of xyxy boxes: (x2 - x1)·(y2 - y1), 0 for a box of zero width or height."""
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    ### END SOLUTION


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise intersection over union (N, M) of xyxy boxes a (N, 4) and b (M, 4).

    IoU = |A ∩ B| / |A ∪ B|, with the intersection's width and height clamped at 0
    (disjoint boxes do not overlap) and |A ∪ B| = |A| + |B| - |A ∩ B|. A pair whose
    union is 0 (two zero-area boxes) has IoU 0, not NaN.
    """
    ### BEGIN SOLUTION
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return torch.where(union > 0, inter / union, torch.zeros_like(union))
    ### END SOLUTION


def generalized_box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Pairwise generalised IoU (N, M) of xyxy boxes a (N, 4) and b (M, 4) (Rezatofighi et al., 2019).

    GIoU = IoU - (|C| - |A ∪ B|) / |C|, with C the smallest box enclosing both A and B;
    it lies in (-1, 1] and, unlike IoU, still tells apart disjoint boxes by how far
    apart they are. Pairs of two zero-area boxes (union 0) are not graded.
    """
    ### BEGIN SOLUTION
    _check_boxes("a", a)
    _check_boxes("b", b)
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])
    size = (bottom_right - top_left).clamp(min=0)
    inter = size[..., 0] * size[..., 1]
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    iou = torch.where(union > 0, inter / union, torch.zeros_like(union))
    hull = torch.maximum(a[:, None, 2:], b[None, :, 2:]) - torch.minimum(a[:, None, :2], b[None, :, :2])
    enclosing = hull[..., 0] * hull[..., 1]
    return iou - (enclosing - union) / enclosing
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    order = torch.sort(scores, descending=True, stable=True).indices
    overlaps = (box_iou(boxes[order], boxes[order]) > iou_threshold).cpu().tolist()
    suppressed = [False] * len(overlaps)
    kept = []
    for i, row in enumerate(overlaps):
        if suppressed[i]:
            continue
        kept.append(i)
        suppressed = [s or o for s, o in zip(suppressed, row)]
    return order[torch.tensor(kept, dtype=torch.int64, device=boxes.device)]
    ### END SOLUTION


def batched_nms(boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """NMS within each label only: a box is suppressed only by a kept box of the same label.

    labels (N,) integer class of each box. Returns the int64 indices kept over all
    labels, by descending score, equal scores in index order (lower index first), on
    the device of `boxes`. Shapes that do not match: ValueError.
    """
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    _check_per_box("scores", scores, "boxes", boxes)
    _check_per_box("labels", labels, "boxes", boxes)
    kept = [torch.empty(0, dtype=torch.int64, device=boxes.device)]
    for label in torch.unique(labels):
        members = torch.nonzero(labels == label).flatten()
        kept.append(members[nms(boxes[members], scores[members], iou_threshold)])
    kept = torch.sort(torch.cat(kept)).values  # index order, so the stable sort below breaks ties by index
    return kept[torch.sort(scores[kept], descending=True, stable=True).indices]
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    classes, boxes = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 5:
            raise ValueError(f"text, line {number}: expected 5 fields 'class cx cy w h', got {len(fields)}: {line!r}")
        try:
            label = int(fields[0])
            coords = [float(field) for field in fields[1:]]
        except ValueError:
            raise ValueError(f"text, line {number}: expected an integer class and 4 numbers, got {line!r}") from None
        if label < 0:
            raise ValueError(f"text, line {number}: the class must be >= 0, got {label}")
        if not all(0.0 <= v <= 1.0 for v in coords):
            raise ValueError(f"text, line {number}: coordinates must lie in [0, 1], got {fields[1:]}")
        classes.append(label)
        boxes.append(coords)
    return torch.tensor(classes, dtype=torch.int64), torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    ### END SOLUTION


def format_yolo_labels(classes: torch.Tensor, boxes: torch.Tensor) -> str:
    """Write an Ultralytics YOLO label file: one line "class cx cy w h" per object.

    classes (N,) integers, written as integers; boxes (N, 4) normalised cxcywh, each
    coordinate written with six decimals ("%.6f" of its value: 0.5 -> "0.500000"),
    fields separated by one space, every line ending with "\\n" (the last one too);
    no objects gives "". parse_yolo_labels(format_yolo_labels(c, b)) gives back c and
    b to within 1e-6. Shapes that do not match: ValueError.
    """
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    _check_per_box("classes", classes, "boxes", boxes)
    return "".join(f"{label} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}\n"
                   for label, (cx, cy, w, h) in zip(classes.tolist(), boxes.tolist()))
    ### END SOLUTION


def yolo_to_xyxy(boxes: torch.Tensor, image_size) -> torch.Tensor:
    """Normalised cxcywh boxes (N, 4) -> pixel xyxy boxes for an image of `image_size` = (height, width).

    x1 = (cx - w/2)·width, y1 = (cy - h/2)·height, x2 = (cx + w/2)·width,
    y2 = (cy + h/2)·height; no clipping. image_size not two numbers > 0: ValueError
    naming image_size.
    """
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    cx, cy, w, h = boxes.unbind(dim=1)
    return torch.stack(((cx - w / 2) * width, (cy - h / 2) * height,
                        (cx + w / 2) * width, (cy + h / 2) * height), dim=1)
    ### END SOLUTION


def xyxy_to_yolo(boxes: torch.Tensor, image_size) -> torch.Tensor:
    """Pixel xyxy boxes (N, 4) -> normalised cxcywh boxes for an image of `image_size` = (height, width).

    cx = (x1 + x2) / (2·width), cy = (y1 + y2) / (2·height), w = (x2 - x1) / width,
    h = (y2 - y1) / height: the inverse of yolo_to_xyxy; no clipping. image_size not
    two numbers > 0: ValueError naming image_size.
    """
    ### BEGIN SOLUTION
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    x1, y1, x2, y2 = boxes.unbind(dim=1)
    return torch.stack(((x1 + x2) / (2 * width), (y1 + y2) / (2 * height),
                        (x2 - x1) / width, (y2 - y1) / height), dim=1)
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    _check_iou_threshold(iou_threshold)
    _check_images(detections, ground_truth)
    device = detections[0][0].device
    scores = torch.cat([entry[1].to(device=device, dtype=torch.float64) for entry in detections])
    image_of = torch.cat([torch.full((entry[1].shape[0],), i, dtype=torch.int64) for i, entry in enumerate(detections)])
    index_in_image = torch.cat([torch.arange(entry[1].shape[0]) for entry in detections])
    order = torch.sort(scores, descending=True, stable=True).indices.cpu()
    ious = [box_iou(boxes, gt.to(boxes)).cpu() for (boxes, _), gt in zip(detections, ground_truth)]
    matched = [torch.zeros(gt.shape[0], dtype=torch.bool) for gt in ground_truth]
    true_positive = torch.zeros(len(order), dtype=torch.float64)
    for rank, k in enumerate(order.tolist()):
        image, det = image_of[k].item(), index_in_image[k].item()
        candidates = ious[image][det].masked_fill(matched[image], -1.0)
        if candidates.numel() and candidates.max() >= iou_threshold:
            matched[image][candidates.argmax()] = True
            true_positive[rank] = 1.0
    hits = torch.cumsum(true_positive, dim=0)
    total = sum(gt.shape[0] for gt in ground_truth)
    precision = hits / torch.arange(1, len(order) + 1, dtype=torch.float64)
    return precision.to(device), (hits / total).to(device)
    ### END SOLUTION


def average_precision(detections, ground_truth, iou_threshold: float = 0.5) -> float:
    """Single-class COCO average precision at one IoU threshold, a Python float computed in float64.

    Inputs, matching and the precision/recall curve as in precision_recall_curve. The
    interpolated precision at recall r is the highest precision reached at any recall
    >= r (0 if the recall never reaches r); AP is its mean over the 101 recall points
    r = 0, 0.01, ..., 1 (COCO's 101-point interpolation). No detection at all gives 0.
    The same bad inputs as precision_recall_curve: ValueError.
    """
    ### BEGIN SOLUTION
    precision, recall = precision_recall_curve(detections, ground_truth, iou_threshold)
    if precision.numel() == 0:
        return 0.0
    envelope = precision.flip(0).cummax(0).values.flip(0)  # best precision at this recall or any higher one
    points = torch.arange(RECALL_POINTS, dtype=torch.float64, device=recall.device) / (RECALL_POINTS - 1)
    first = torch.searchsorted(recall, points, side="left")  # first detection whose recall reaches each point
    reached = first < len(recall)
    interpolated = torch.where(reached, envelope[first.clamp(max=len(recall) - 1)], torch.zeros_like(points))
    return interpolated.mean().item()
    ### END SOLUTION
