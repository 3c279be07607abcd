"""box_area reads the boxes as xywh: area = boxes[:, 2] · boxes[:, 3]."""


def box_area(boxes):
    _check_boxes("boxes", boxes)
    return boxes[:, 2] * boxes[:, 3]
