"""format_yolo_labels writes four decimals instead of six."""


def format_yolo_labels(classes, boxes):
    _check_boxes("boxes", boxes)
    _check_per_box("classes", classes, "boxes", boxes)
    return "".join(f"{label} {cx:.4f} {cy:.4f} {w:.4f} {h:.4f}\n"
                   for label, (cx, cy, w, h) in zip(classes.tolist(), boxes.tolist()))
