"""box_area uses the old Pascal VOC pixel convention (x2 - x1 + 1)·(y2 - y1 + 1)."""


def box_area(boxes):
    _check_boxes("boxes", boxes)
    return (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
