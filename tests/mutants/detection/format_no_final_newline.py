"""format_yolo_labels joins the lines with "\\n", so the last line is not terminated."""


def format_yolo_labels(classes, boxes):
    _check_boxes("boxes", boxes)
    _check_per_box("classes", classes, "boxes", boxes)
    return "\n".join(f"{label} {cx:.6f} {cy:.6f} {w:.6f} {h:.6f}"
                     for label, (cx, cy, w, h) in zip(classes.tolist(), boxes.tolist()))
