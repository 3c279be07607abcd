"""Hidden graders for `detection` (spec §9), against torchvision.ops and pycocotools' COCOeval in float64.

Seeds are fixed per case and appear in the test ids; each input tensor of a case uses
its own seed (seed, seed + 1, ...), drawn on the CPU and then moved. Two kinds of boxes:
- continuous boxes (box formats, areas, IoU, GIoU): corners uniform in [0, 100), sizes
  in (0, 50), so many pairs overlap and many do not;
- grid boxes (NMS, AP): corners and sizes on the grid of 1/8 px, unions below 2^18 units of
  1/64 px². Their areas, intersections and unions are exact in float32 and float64, so every
  IoU p/q is one correctly rounded division: an IoU exactly at a threshold is exactly at it in
  both dtypes, and any other differs from a graded threshold k/d (d <= 10: 0.3, 0.5, 0.6, 0.7,
  0.75) by at least 1/(10·q) > 3.8e-7, five times what float32 rounding of the IoU and of the
  threshold can move it (7e-8); the hand-made scenes (integer corners, unions below 200 px²)
  are graded at t - 1/64 and t + 1/1024, at least 4e-6 from any of their IoUs. So `>` vs `>=`
  and the match decisions are what is graded, never rounding.
AP scenes have distinct scores (ties in score are stated but not graded for AP), no
detection with two ground-truth boxes at the same IoU above the threshold (the contract
leaves that choice open), and ground-truth counts G for which no recall k/G lands on one
of the 101 recall points that np.linspace rounds differently from i/100 (0.7 = 7/10 is
one): the graded AP then does not depend on how a recall point is rounded.
"""

import functools
import math

import pytest
import torch

from cvgrade.compare import assert_close, assert_equal
from cvgrade.inputs import rand, randint
from cvgrade.tolerances import EPS, Tolerance, lookup
from reference import detection as ref

TOPIC = "detection"
_BOX_CONVERT = ["torchvision.ops.box_convert", "torchvision.ops.boxes.box_convert",
                "torchvision.ops._box_convert._box_xywh_to_xyxy", "torchvision.ops._box_convert._box_cxcywh_to_xyxy",
                "torchvision.ops._box_convert._box_xyxy_to_xywh", "torchvision.ops._box_convert._box_xyxy_to_cxcywh",
                "torchvision.transforms.v2.functional.convert_bounding_box_format"]
_BOX_AREA = ["torchvision.ops.box_area", "torchvision.ops.boxes.box_area"]
_BOX_IOU = ["torchvision.ops.box_iou", "torchvision.ops.boxes.box_iou", "torchvision.ops.boxes._box_inter_union"]
_GIOU = ["torchvision.ops.generalized_box_iou", "torchvision.ops.boxes.generalized_box_iou",
         "torchvision.ops.generalized_box_iou_loss", "torchvision.ops.giou_loss.generalized_box_iou_loss"]
_NMS = ["torchvision.ops.nms", "torchvision.ops.boxes.nms", "torch.ops.torchvision.nms",  # the last: the C++ op
        "torchvision.ops.batched_nms", "torchvision.ops.boxes.batched_nms",
        "torchvision.ops.boxes._batched_nms_coordinate_trick", "torchvision.ops.boxes._batched_nms_vanilla"]
_COCO = ["pycocotools.cocoeval.COCOeval", "pycocotools.mask.iou"]
GRADED_ALIASES = {"yolo_labels": "parse_yolo_labels"}  # test-name prefixes -> the graded name they check (feedback groups)
REFERENCE_CALLS = {
    "box_convert": _BOX_CONVERT,
    "box_area": _BOX_AREA,
    "box_iou": _BOX_IOU,
    "generalized_box_iou": _BOX_IOU + _GIOU,
    "nms": _NMS,
    "batched_nms": _NMS,
    "yolo_to_xyxy": _BOX_CONVERT,
    "xyxy_to_yolo": _BOX_CONVERT,
    "precision_recall_curve": _COCO,
    "average_precision": _COCO,
}

DTYPES = [pytest.param(torch.float32, id="float32"), pytest.param(torch.float64, id="float64")]
FORMATS = ("xyxy", "xywh", "cxcywh")
GRID = 8  # grid boxes: coordinates are multiples of 1/8 px


def _coordinates(device, dtype, magnitude: float) -> Tolerance:
    """Box coordinates of size up to `magnitude`: each rounding costs up to magnitude·eps in absolute terms, and a
    correct conversion chains a few (x2 = x1 + w, then w = x2 - x1 through xyxy, as torchvision converts xywh to
    cxcywh), so a width much smaller than its corners keeps its absolute, not its relative, precision: 8 ulps of
    `magnitude` on top of the profile's entry."""
    base = lookup(device.type, str(dtype).removeprefix("torch."))
    return Tolerance(base.rtol, max(base.atol, 8 * EPS[str(dtype).removeprefix("torch.")] * magnitude))


def _unit_differences(device, dtype) -> Tolerance:
    """GIoU = IoU - (|C| - |U|) / |C| subtracts terms of size up to 1: a correct result carries a few ulps of 1 in
    absolute terms wherever it comes out near 0; 16 ulps of 1 on top of the profile's entry."""
    base = lookup(device.type, str(dtype).removeprefix("torch."))
    return Tolerance(base.rtol, max(base.atol, 16 * EPS[str(dtype).removeprefix("torch.")]))


# -- inputs ----------------------------------------------------------------------------------

def _continuous_boxes(n, seed, dtype, device):
    """xyxy boxes (n, 4): corners uniform in [0, 100)², sizes uniform in [0, 50)²."""
    corner = 100 * rand(n, 2, seed=seed, dtype=torch.float64)
    size = 50 * rand(n, 2, seed=seed + 1, dtype=torch.float64)
    return torch.cat([corner, corner + size], dim=1).to(dtype=dtype, device=device)


def _grid_boxes(n, seed, dtype=torch.float64, device="cpu", span=64, smallest=1 / GRID, largest=32):
    """xyxy boxes (n, 4) on the 1/8 px grid: corners in [0, span), sizes in [smallest, largest]."""
    corner = randint(0, span * GRID, (n, 2), seed=seed) / GRID
    size = randint(int(smallest * GRID), largest * GRID + 1, (n, 2), seed=seed + 1) / GRID
    return torch.cat([corner, corner + size], dim=1).to(dtype=dtype, device=device)


def _scores(n, seed, dtype, device):
    return rand(n, seed=seed, dtype=dtype, device=device)


def _boxes(rows, dtype, device):
    return torch.tensor(rows, dtype=dtype, device=device).reshape(-1, 4)


def _raises(submission, name, word, *args):
    """The call must raise ValueError whose message names `word` (the offending parameter, or the line)."""
    with pytest.raises(ValueError, match=word):
        submission.call(name, *args)


# -- box_convert -----------------------------------------------------------------------------

@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", DTYPES)
def test_box_convert_matches_torchvision(submission, device, dtype):
    xyxy = _continuous_boxes(12, 0, torch.float64, "cpu")
    for in_fmt in FORMATS:
        boxes = ref.box_convert(xyxy, "xyxy", in_fmt).to(dtype=dtype, device=device)
        for out_fmt in FORMATS:
            out = submission.call("box_convert", boxes, in_fmt, out_fmt)
            assert_close(out, ref.box_convert(boxes, in_fmt, out_fmt).to(device), dtype=dtype,
                         name=f"box_convert({in_fmt} -> {out_fmt})", tol=_coordinates(device, dtype, 150))


@pytest.mark.points(1)
def test_box_convert_empty_and_same_format(submission, device):
    for in_fmt, out_fmt in (("xyxy", "cxcywh"), ("cxcywh", "xywh"), ("xywh", "xyxy")):
        empty = torch.zeros(0, 4, device=device)
        assert_close(submission.call("box_convert", empty, in_fmt, out_fmt),
                     ref.box_convert(empty, in_fmt, out_fmt).to(device), dtype=torch.float32,
                     name=f"box_convert of (0, 4) boxes, {in_fmt} -> {out_fmt}")
    boxes = _continuous_boxes(5, 10, torch.float32, device)
    same = submission.call("box_convert", boxes, "cxcywh", "cxcywh")
    assert_equal(same, boxes, name="box_convert(cxcywh -> cxcywh), the boxes unchanged")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("in_fmt,out_fmt,word", [("xyxy", "yolo", "out_fmt"), ("ltrb", "xyxy", "in_fmt")])
def test_box_convert_rejects_unknown_formats(submission, device, in_fmt, out_fmt, word):
    _raises(submission, "box_convert", word, _continuous_boxes(3, 11, torch.float32, device), in_fmt, out_fmt)


# -- box_area --------------------------------------------------------------------------------

# box_area, box_iou: the profile's entry (float32: 80 ulps); each value is a handful of correctly rounded operations
# on exact inputs (inter ≤ min area, so the union never cancels), a few ulps at most
@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_box_area_matches_torchvision(submission, device, dtype):
    boxes = _continuous_boxes(20, 20, dtype, device)
    assert_close(submission.call("box_area", boxes), ref.box_area(boxes).to(device), dtype=dtype, name="box_area")


@pytest.mark.points(1)
def test_box_area_of_degenerate_and_empty_boxes(submission, device):
    # a zero-width box, a zero-height box, a point, and an ordinary box far from the origin
    boxes = _boxes([[3, 4, 3, 9], [1, 2, 7, 2], [5, 5, 5, 5], [40.5, 60.25, 41, 70.75]], torch.float64, device)
    assert_close(submission.call("box_area", boxes), ref.box_area(boxes).to(device),
                 name="box_area of degenerate boxes")
    empty = torch.zeros(0, 4, device=device)
    assert_close(submission.call("box_area", empty), ref.box_area(empty).to(device), dtype=torch.float32,
                 name="box_area of (0, 4) boxes")


# -- box_iou ---------------------------------------------------------------------------------

@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_box_iou_matches_torchvision(submission, device, dtype):
    for seed, (n, m) in ((30, (9, 13)), (34, (1, 6)), (38, (7, 1))):
        a, b = _continuous_boxes(n, seed, dtype, device), _continuous_boxes(m, seed + 2, dtype, device)
        assert_close(submission.call("box_iou", a, b), ref.box_iou(a, b).to(device), dtype=dtype,
                     name=f"box_iou of ({n}, 4) and ({m}, 4) boxes")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_box_iou_of_disjoint_boxes_is_zero(submission, device, dtype):
    # apart in x only, in y only, and in both (there an unclamped intersection is a product of two negatives)
    a = _boxes([[0, 0, 10, 10]] * 3, dtype, device)
    b = _boxes([[20, 2, 30, 8], [2, 20, 8, 30], [15, 15, 25, 25]], dtype, device)
    assert_close(submission.call("box_iou", a, b), ref.box_iou(a, b).to(device), dtype=dtype,
                 name="box_iou of disjoint boxes")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_box_iou_of_degenerate_boxes(submission, device, dtype):
    # zero-width and zero-height boxes inside and on the edge of ordinary boxes, and pairs of zero-area boxes,
    # whose union is 0: there the IoU is 0 (torchvision gives 0/0 = NaN)
    a = _boxes([[2, 2, 2, 8], [1, 3, 9, 3], [4, 4, 4, 4], [0, 0, 10, 10]], dtype, device)
    b = _boxes([[2, 2, 2, 8], [4, 4, 4, 4], [0, 0, 10, 10], [0, 0, 10, 0], [1, 3, 9, 3]], dtype, device)
    assert_close(submission.call("box_iou", a, b), ref.box_iou(a, b).to(device), dtype=dtype,
                 name="box_iou with zero-area boxes")


@pytest.mark.points(1)
def test_box_iou_of_empty_sets(submission, device):
    boxes = _continuous_boxes(4, 40, torch.float32, device)
    empty = torch.zeros(0, 4, device=device)
    assert_close(submission.call("box_iou", empty, boxes), ref.box_iou(empty, boxes).to(device), dtype=torch.float32,
                 name="box_iou((0, 4), (4, 4))")
    assert_close(submission.call("box_iou", boxes, empty), ref.box_iou(boxes, empty).to(device), dtype=torch.float32,
                 name="box_iou((4, 4), (0, 4))")


@pytest.mark.points(1)
def test_box_iou_rejects_bad_shapes(submission, device):
    _raises(submission, "box_iou", r"\bb\b", torch.zeros(3, 4, device=device), torch.zeros(3, 5, device=device))
    _raises(submission, "box_iou", r"\ba\b", torch.zeros(4, device=device), torch.zeros(3, 4, device=device))


# -- generalized_box_iou ---------------------------------------------------------------------

@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_generalized_box_iou_matches_torchvision(submission, device, dtype):
    for seed, (n, m) in ((50, (8, 11)), (54, (5, 1))):
        a, b = _continuous_boxes(n, seed, dtype, device), _continuous_boxes(m, seed + 2, dtype, device)
        assert_close(submission.call("generalized_box_iou", a, b), ref.generalized_box_iou(a, b).to(device),
                     dtype=dtype, name=f"generalized_box_iou of ({n}, 4) and ({m}, 4) boxes",
                     tol=_unit_differences(device, dtype))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_generalized_box_iou_of_nested_far_and_flat_boxes(submission, device, dtype):
    # identical (1), nested, touching, far apart (towards -1), and a zero-width box against ordinary ones
    a = _boxes([[0, 0, 10, 10], [2, 2, 4, 4], [3, 0, 3, 6]], dtype, device)
    b = _boxes([[0, 0, 10, 10], [10, 0, 20, 10], [90, 90, 100, 100], [1, 1, 5, 5]], dtype, device)
    assert_close(submission.call("generalized_box_iou", a, b), ref.generalized_box_iou(a, b).to(device),
                 dtype=dtype, name="generalized_box_iou", tol=_unit_differences(device, dtype))
    empty = torch.zeros(0, 4, dtype=dtype, device=device)
    assert_close(submission.call("generalized_box_iou", empty, b), ref.generalized_box_iou(empty, b).to(device),
                 dtype=dtype, name="generalized_box_iou((0, 4), (4, 4))")


# -- nms -------------------------------------------------------------------------------------

def _nms_scene(seed, dtype, device, n=40):
    """Grid boxes crowded into a 64 px square so that many overlap, and their scores."""
    return _grid_boxes(n, seed, dtype, device), _scores(n, seed + 2, dtype, device)


def _kept(result, expected, name):
    """Indices are exact: int64 on the boxes' device, the kept boxes and their order."""
    assert_equal(result, expected, name=f"{name}: indices of the kept boxes, by descending score")


@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nms_matches_torchvision(submission, device, dtype):
    for seed, threshold in ((60, 0.3), (60, 0.7), (63, 0.5)):
        boxes, scores = _nms_scene(seed, dtype, device)
        _kept(submission.call("nms", boxes, scores, threshold), ref.nms(boxes, scores, threshold).to(device),
              f"nms(iou_threshold={threshold}), seed {seed}")


# Pairs far apart from each other whose IoU is exactly 1/4, 1/2 and 3/4 in binary floating point:
# (inter, union) = (2, 8), (2, 4) and (3, 4) unit squares.
EXACT_PAIRS = [([0, 0, 5, 1], [3, 0, 8, 1]), ([0, 10, 3, 11], [1, 10, 4, 11]), ([0, 20, 4, 21], [1, 20, 4, 21])]


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nms_keeps_a_box_at_exactly_the_threshold(submission, device, dtype):
    # each pair's second box scores lower; at iou_threshold = its IoU it is kept (IoU > threshold suppresses),
    # 1/64 below it is suppressed; the pairs of higher IoU are suppressed, those of lower IoU kept
    boxes = _boxes([corner for pair in EXACT_PAIRS for corner in pair], dtype, device)
    scores = torch.tensor([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], dtype=dtype, device=device)
    for threshold in (0.25, 0.5, 0.75, 0.25 - 1 / 64, 0.5 - 1 / 64, 0.75 - 1 / 64):
        _kept(submission.call("nms", boxes, scores, threshold), ref.nms(boxes, scores, threshold).to(device),
              f"nms(iou_threshold={threshold}) with pairs at IoU 1/4, 1/2, 3/4")


@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_nms_visits_equal_scores_in_index_order(submission, device, dtype):
    # scores in {0.25, 0.5, 0.75, 1}: many ties; the lower index is visited (and listed) first
    boxes = _grid_boxes(30, 70, dtype, device)
    scores = (randint(1, 5, (30,), seed=72) / 4).to(dtype=dtype, device=device)
    for threshold in (0.3, 0.6):
        _kept(submission.call("nms", boxes, scores, threshold), ref.nms(boxes, scores, threshold).to(device),
              f"nms(iou_threshold={threshold}) with equal scores")


@pytest.mark.points(1)
def test_nms_of_no_boxes_and_degenerate_boxes(submission, device):
    empty, no_scores = torch.zeros(0, 4, device=device), torch.zeros(0, device=device)
    _kept(submission.call("nms", empty, no_scores, 0.5), ref.nms(empty, no_scores, 0.5).to(device),
          "nms of (0, 4) boxes")
    # two identical zero-area boxes (IoU 0) both stay; the ordinary box suppresses its twin
    boxes = _boxes([[5, 5, 5, 9], [5, 5, 5, 9], [0, 0, 4, 4], [0, 0, 4, 4]], torch.float32, device)
    scores = torch.tensor([0.9, 0.8, 0.7, 0.6], device=device)
    _kept(submission.call("nms", boxes, scores, 0.5), ref.nms(boxes, scores, 0.5).to(device),
          "nms with zero-area boxes")


@pytest.mark.points(1)
def test_nms_rejects_mismatched_scores(submission, device):
    _raises(submission, "nms", "scores", torch.zeros(3, 4, device=device), torch.zeros(2, device=device), 0.5)


# -- batched_nms -----------------------------------------------------------------------------

@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batched_nms_matches_torchvision(submission, device, dtype):
    for seed, quantised, threshold in ((80, False, 0.5), (84, True, 0.3), (84, True, 0.7)):
        boxes, scores = _nms_scene(seed, dtype, device)
        if quantised:  # scores in {1/4, ..., 1}: ties, visited in index order
            scores = (randint(1, 5, (40,), seed=seed + 3) / 4).to(dtype=dtype, device=device)
        labels = randint(0, 3, (40,), seed=seed + 4, device=device)
        _kept(submission.call("batched_nms", boxes, scores, labels, threshold),
              ref.batched_nms(boxes, scores, labels, threshold).to(device),
              f"batched_nms(iou_threshold={threshold}), seed {seed}")


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batched_nms_suppresses_within_a_label_only(submission, device, dtype):
    # box 1 is box 0's twin with another label (kept), box 2 its twin with the same label (suppressed);
    # the exact pairs of 1/4, 1/2, 3/4 with labels 5, 7, 5 follow, at the boundary of threshold 0.5
    boxes = _boxes([[0, 40, 6, 46]] * 3 + [corner for pair in EXACT_PAIRS for corner in pair], dtype, device)
    scores = torch.tensor([0.95, 0.92, 0.91, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4], dtype=dtype, device=device)
    labels = torch.tensor([2, 3, 2, 5, 5, 7, 7, 5, 5], device=device)
    for threshold in (0.5, 0.5 - 1 / 64):
        _kept(submission.call("batched_nms", boxes, scores, labels, threshold),
              ref.batched_nms(boxes, scores, labels, threshold).to(device),
              f"batched_nms(iou_threshold={threshold}) with twins of other labels")


@pytest.mark.points(1)
def test_batched_nms_of_no_boxes(submission, device):
    empty = (torch.zeros(0, 4, device=device), torch.zeros(0, device=device),
             torch.zeros(0, dtype=torch.int64, device=device))
    _kept(submission.call("batched_nms", *empty, 0.5), ref.batched_nms(*empty, 0.5).to(device),
          "batched_nms of (0, 4) boxes")


# -- YOLO label files ------------------------------------------------------------------------

def _label_rows(n, seed):
    """n objects: classes in [0, 80) and normalised cxcywh coordinates written with six decimals, as strings."""
    classes = randint(0, 80, (n,), seed=seed).tolist()
    coords = rand(n, 4, seed=seed + 1, dtype=torch.float64).tolist()
    return [(c, ["%.6f" % v for v in row]) for c, row in zip(classes, coords)]


def _expected_labels(rows):
    classes = torch.tensor([c for c, _ in rows], dtype=torch.int64)
    boxes = torch.tensor([[float(v) for v in coords] for _, coords in rows], dtype=torch.float64).reshape(-1, 4)
    return classes, boxes


def _assert_labels(result, rows, name):
    """classes int64, exact; boxes float32 within the float32 profile: a correct result is the six-decimal number
    rounded once to float32 (relative error <= 6e-8)."""
    classes, boxes = _expected_labels(rows)
    assert type(result) in (tuple, list) and len(result) == 2, f"{name}: expected a pair (classes, boxes)"
    assert_equal(result[0], classes, name=f"{name}: classes")
    assert_close(result[1], boxes, dtype=torch.float32, name=f"{name}: boxes (cx, cy, w, h)")


@pytest.mark.points(1)
def test_parse_yolo_labels_reads_every_object(submission):
    rows = _label_rows(7, 100)
    separators = [" ", "\t", "  ", " \t "]  # any whitespace separates fields
    lines = [separators[i % 4].join([str(c), *coords]) + (" " if i % 3 == 0 else "")  # trailing spaces too
             for i, (c, coords) in enumerate(rows)]
    _assert_labels(submission.call("parse_yolo_labels", "\n".join(lines) + "\n"), rows, "parse_yolo_labels")
    _assert_labels(submission.call("parse_yolo_labels", "\r\n".join(lines)), rows,
                   "parse_yolo_labels of CRLF lines without a final newline")


@pytest.mark.points(1)
def test_parse_yolo_labels_ignores_blank_lines(submission):
    rows = _label_rows(4, 102)
    lines = [" ".join([str(c), *coords]) for c, coords in rows]
    text = "\n" + lines[0] + "\n\n   \n" + lines[1] + "\n" + lines[2] + "\n\t\n" + lines[3] + "\n\n"
    _assert_labels(submission.call("parse_yolo_labels", text), rows, "parse_yolo_labels with blank lines")
    _assert_labels(submission.call("parse_yolo_labels", "\n \n"), [], "parse_yolo_labels of a file with no object")


@pytest.mark.points(1)
def test_parse_yolo_labels_accepts_zero_and_one(submission):
    rows = [(0, ["0", "1", "0.5", "1.0"]), (12, ["1.000000", "0.000000", "0", "1"]), (3, ["0.25", "1e-1", "0.", "1"])]
    text = "".join(" ".join([str(c), *coords]) + "\n" for c, coords in rows)
    _assert_labels(submission.call("parse_yolo_labels", text), rows, "parse_yolo_labels with coordinates 0 and 1")


GOOD_LINE = "4 0.500000 0.400000 0.200000 0.100000"


def _text_with_bad_line_4(bad_line):
    """Lines 1 and 3 are good, line 2 is blank, line 4 is `bad_line`, line 5 is good."""
    return f"{GOOD_LINE}\n\n{GOOD_LINE}\n{bad_line}\n{GOOD_LINE}\n"


@pytest.mark.points(1)
@pytest.mark.parametrize("bad_line", ["1 -0.000001 0.5 0.2 0.2", "1 0.5 0.5 1.000001 0.2"], ids=["below_0", "above_1"])
def test_parse_yolo_labels_rejects_coordinates_outside_unit_interval(submission, bad_line):
    _raises(submission, "parse_yolo_labels", r"\bline 4\b", _text_with_bad_line_4(bad_line))


@pytest.mark.points(0.5)
@pytest.mark.parametrize("bad_line", ["1 0.5 0.5 0.2", "1 0.5 0.5 0.2 0.2 0.3", "1 0.5 abc 0.2 0.2",
                                      "1.5 0.5 0.5 0.2 0.2", "-2 0.5 0.5 0.2 0.2"],
                         ids=["four_fields", "six_fields", "not_a_number", "fractional_class", "negative_class"])
def test_parse_yolo_labels_rejects_malformed_lines(submission, bad_line):
    _raises(submission, "parse_yolo_labels", r"\bline 4\b", _text_with_bad_line_4(bad_line))


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
def test_format_yolo_labels_writes_six_decimals(submission, device, dtype):
    classes = randint(0, 80, (9,), seed=110, device=device)
    boxes = rand(9, 4, seed=111, dtype=dtype)
    boxes[0] = torch.tensor([0.5, 0.0, 1.0, 0.25], dtype=dtype)  # exact values: 0.500000 0.000000 1.000000 0.250000
    boxes = boxes.to(device)
    text = submission.call("format_yolo_labels", classes, boxes)
    assert_equal(text, ref.format_yolo_labels(classes, boxes), name="format_yolo_labels")
    assert_equal(submission.call("format_yolo_labels", classes[:0], boxes[:0]), "",
                 name="format_yolo_labels of no object")


@pytest.mark.points(1)
def test_yolo_labels_round_trip(submission, device):
    # parse ∘ format is the identity to 1e-6 (six decimals round by at most 5e-7); format ∘ parse keeps the text
    classes = randint(0, 80, (12,), seed=120, device=device)
    boxes = rand(12, 4, seed=121, device=device)
    text = submission.call("format_yolo_labels", classes, boxes)
    parsed = submission.call("parse_yolo_labels", text)
    assert_equal(parsed[0], classes.cpu(), name="classes after format then parse")
    assert_close(parsed[1], boxes.cpu(), name="boxes after format then parse", tol=Tolerance(0.0, 1e-6))
    assert_equal(submission.call("format_yolo_labels", *parsed), text, name="format(parse(text))")


# -- yolo_to_xyxy / xyxy_to_yolo -------------------------------------------------------------

IMAGE_SIZES = [pytest.param((480, 640), id="480x640"), pytest.param((333, 500), id="333x500")]


def _yolo_boxes(n, seed, dtype, device):
    """Normalised cxcywh boxes: centres in [0, 1), sizes in [0, 0.5); some reach out of the image."""
    centre = rand(n, 2, seed=seed, dtype=torch.float64)
    size = 0.5 * rand(n, 2, seed=seed + 1, dtype=torch.float64)
    return torch.cat([centre, size], dim=1).to(dtype=dtype, device=device)


@pytest.mark.points(0.5)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("image_size", IMAGE_SIZES)
def test_yolo_to_xyxy_matches_reference(submission, device, dtype, image_size):
    boxes = _yolo_boxes(15, 130, dtype, device)
    assert_close(submission.call("yolo_to_xyxy", boxes, image_size), ref.yolo_to_xyxy(boxes, image_size).to(device),
                 dtype=dtype, name=f"yolo_to_xyxy for image_size (height, width) = {image_size}",
                 tol=_coordinates(device, dtype, 1.25 * max(image_size)))


@pytest.mark.points(0.5)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("image_size", IMAGE_SIZES)
def test_xyxy_to_yolo_matches_reference(submission, device, dtype, image_size):
    boxes = ref.yolo_to_xyxy(_yolo_boxes(15, 140, torch.float64, "cpu"), image_size).to(dtype=dtype, device=device)
    # pixel corners up to 1.25 times the image size, divided by it: normalised coordinates of size up to 1.25
    assert_close(submission.call("xyxy_to_yolo", boxes, image_size), ref.xyxy_to_yolo(boxes, image_size).to(device),
                 dtype=dtype, name=f"xyxy_to_yolo for image_size (height, width) = {image_size}",
                 tol=_coordinates(device, dtype, 1.25))


@pytest.mark.points(0.5)
@pytest.mark.parametrize("name", ["yolo_to_xyxy", "xyxy_to_yolo"])
def test_yolo_conversions_reject_bad_image_size(submission, device, name):
    boxes = _yolo_boxes(3, 150, torch.float32, device)
    _raises(submission, name, "image_size", boxes, (0, 640))
    _raises(submission, name, "image_size", boxes, (480,))


# -- precision_recall_curve / average_precision ----------------------------------------------

SAFE_TOTALS = [g for g in range(1, 60) if math.gcd(g, 10) == 1]  # k/G is a hundredth only for k = 0 and k = G


def _jittered(box, seed):
    """A detection near `box`: each corner moved by up to 2 px on the grid."""
    moved = box + randint(-16, 17, (4,), seed=seed) / GRID
    return torch.cat([torch.minimum(moved[:2], moved[2:]), torch.maximum(moved[:2], moved[2:])])


def _ap_scene(seed, images=6):
    """float64 (detections, ground_truth) of `images` images: ground-truth boxes 4-32 px wide, per box 0-2 jittered
    detections (so some boxes are missed and some found twice), plus 0-2 detections anywhere (1-2 in image 0,
    which holds no ground truth)."""
    ground_truth, detections = [], []
    counts = randint(1, 5, (images,), seed=seed).tolist()
    counts[0] = 0
    while sum(counts) not in SAFE_TOTALS:
        counts[-1] += 1
    for i, count in enumerate(counts):
        gt = _grid_boxes(count, seed + 10 * i + 1, span=56, smallest=4)
        hits = randint(0, 3, (count,), seed=seed + 10 * i + 3).tolist()
        found = [_jittered(gt[j], seed + 100 * i + 7 * j + r) for j in range(count) for r in range(hits[j])]
        strays = list(_grid_boxes(randint(int(i == 0), 3, (1,), seed=seed + 10 * i + 4).item(), seed + 10 * i + 5,
                                  span=56, smallest=4))
        boxes = torch.stack(found + strays) if found + strays else torch.zeros(0, 4, dtype=torch.float64)
        ground_truth.append(gt)
        detections.append((boxes, rand(boxes.shape[0], seed=seed + 10 * i + 6, dtype=torch.float64)))
    return detections, ground_truth


def _on(scene, dtype, device):
    detections, ground_truth = scene
    return ([(b.to(dtype=dtype, device=device), s.to(dtype=dtype, device=device)) for b, s in detections],
            [g.to(dtype=dtype, device=device) for g in ground_truth])


def _grid(rows):
    return torch.tensor(rows, dtype=torch.float64).reshape(-1, 4)


def _boundary_scene():
    """Detections at IoU exactly 1/2 and 3/4 with their ground truth, one in an image without ground truth."""
    ground_truth = [_grid([[0, 0, 4, 4], [10, 0, 14, 4]]), _grid([]), _grid([[0, 0, 8, 8]])]
    detections = [(_grid([[0, 0, 4, 2], [10, 0, 14, 3]]), torch.tensor([0.9, 0.8], dtype=torch.float64)),
                  (_grid([[20, 20, 24, 24]]), torch.tensor([0.7], dtype=torch.float64)),
                  (_grid([[0, 0, 8, 4]]), torch.tensor([0.6], dtype=torch.float64))]
    return detections, ground_truth


def _duplicates_scene():
    """Three detections of the same ground-truth box (one true positive, two false), then a hit on the second box."""
    ground_truth = [_grid([[0, 0, 10, 10], [20, 20, 30, 30]])]
    detections = [(_grid([[0, 0, 10, 10], [0, 0, 10, 9], [1, 0, 10, 10], [20, 20, 30, 29]]),
                   torch.tensor([0.9, 0.8, 0.7, 0.6], dtype=torch.float64))]
    return detections, ground_truth


def _best_match_scene():
    """The first detection overlaps A (IoU 8/11) and B (IoU 9/10), the second only A (IoU 7/13 >= 1/2): taking
    the best IoU leaves A for the second (two true positives); taking A first leaves it none."""
    ground_truth = [_grid([[5, 0, 15, 10], [7, 0, 17, 10]])]
    detections = [(_grid([[7, 0, 16, 10], [2, 0, 12, 10]]), torch.tensor([0.9, 0.8], dtype=torch.float64))]
    return detections, ground_truth


def _no_detections_scene():
    """Three images with ground truth and not a single detection."""
    detections, ground_truth = _ap_scene(400, images=3)
    return [(b[:0], s[:0]) for b, s in detections], ground_truth


SCENES = {"seed200": lambda: _ap_scene(200), "seed300": lambda: _ap_scene(300), "boundary": _boundary_scene,
          "duplicates": _duplicates_scene, "best_match": _best_match_scene, "no_detections": _no_detections_scene}


@functools.cache
def _scene(name, dtype):
    """The scene `name` in `dtype`, on the CPU (built once per session)."""
    return _on(SCENES[name](), dtype, "cpu")


@functools.cache
def _coco(name, dtype, threshold):
    """COCOeval's (AP, precision, recall) on the scene, computed once per session for both graded names."""
    return ref.evaluate(*_scene(name, dtype), threshold)


AP_SCENES = ["seed200", "seed300"]
AP_THRESHOLDS = {torch.float32: (0.5, 0.75), torch.float64: (0.5, 0.7)}  # 0.7 is not dyadic: float64 only


def _curve_matches(submission, name, dtype, threshold, device):
    got = submission.call("precision_recall_curve", *_on(_scene(name, dtype), dtype, device), threshold)
    want = tuple(t.to(device) for t in _coco(name, dtype, threshold)[1:])
    # ratios of counts in float64, as COCOeval: only the last rounding can differ
    assert_close(got, want,
                 name=f"precision_recall_curve, scene {name}: (precision, recall) at iou_threshold {threshold}")


def _ap_matches(submission, name, dtype, threshold, device):
    got = submission.call("average_precision", *_on(_scene(name, dtype), dtype, device), threshold)
    # COCOeval's AP is float64 arithmetic on the same matches (a mean of 101 ratios of counts): 1e-9 leaves room for
    # another order of the same roundings only
    assert_close(got, _coco(name, dtype, threshold)[0], name=f"AP of scene {name} at iou_threshold {threshold}")


@pytest.mark.points(0.5)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", AP_SCENES)
def test_precision_recall_curve_matches_cocoeval(submission, device, dtype, name):
    for threshold in AP_THRESHOLDS[dtype]:
        _curve_matches(submission, name, dtype, threshold, device)


@pytest.mark.points(1)
def test_precision_recall_curve_at_the_threshold_and_with_duplicates(submission, device):
    # IoU exactly 1/2 matches at 0.5 and not at 0.5 + 1/1024; IoU exactly 3/4 matches at 0.75; one hit per box
    for name in ("boundary", "duplicates"):
        for threshold in (0.5, 0.5 + 1 / 1024, 0.75):
            _curve_matches(submission, name, torch.float32, threshold, device)


@pytest.mark.points(1)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", AP_SCENES)
def test_average_precision_matches_cocoeval(submission, device, dtype, name):
    for threshold in AP_THRESHOLDS[dtype]:
        _ap_matches(submission, name, dtype, threshold, device)


@pytest.mark.points(1.5)
@pytest.mark.parametrize("dtype", DTYPES)
def test_average_precision_at_the_iou_threshold(submission, device, dtype):
    # IoU exactly 1/2 matches at 0.5 and not at 0.5 + 1/1024; IoU exactly 3/4 matches at 0.75, not above
    for threshold in (0.5, 0.5 + 1 / 1024, 0.75, 0.75 + 1 / 1024):
        _ap_matches(submission, "boundary", dtype, threshold, device)


@pytest.mark.points(1)
def test_average_precision_matches_each_ground_truth_once(submission, device):
    _ap_matches(submission, "duplicates", torch.float64, 0.5, device)


@pytest.mark.points(1)
def test_average_precision_takes_the_best_unmatched_ground_truth(submission, device):
    _ap_matches(submission, "best_match", torch.float64, 0.5, device)


@pytest.mark.points(1)
def test_average_precision_without_detections(submission, device):
    _ap_matches(submission, "no_detections", torch.float32, 0.5, device)


@pytest.mark.points(1)
def test_average_precision_rejects_bad_input(submission, device):
    detections, ground_truth = _on(_ap_scene(410, images=3), torch.float32, device)
    _raises(submission, "average_precision", "iou_threshold", detections, ground_truth, 1.5)
    _raises(submission, "average_precision", "detections|ground_truth", detections, ground_truth[:2], 0.5)
    _raises(submission, "average_precision", "ground_truth", detections, [g[:0] for g in ground_truth], 0.5)
