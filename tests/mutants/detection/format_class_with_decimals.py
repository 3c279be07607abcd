"""format_yolo_labels formats every field with six decimals, the class too ("3.000000")."""


def format_yolo_labels(classes, boxes):
    _check_boxes("boxes", boxes)
    _check_per_box("classes", classes, "boxes", boxes)
    rows = torch.cat([classes.to(torch.float64)[:, None], boxes.to(torch.float64)], dim=1).tolist()
    return "".join(" ".join(f"{v:.6f}" for v in row) + "\n" for row in rows)
