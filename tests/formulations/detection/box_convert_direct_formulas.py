"""box_convert with a direct formula for each pair of formats, never through xyxy (torchvision goes through xyxy)."""


def box_convert(boxes, in_fmt, out_fmt):
    for name, fmt in (("in_fmt", in_fmt), ("out_fmt", out_fmt)):
        if fmt not in BOX_FORMATS:
            raise ValueError(f"{name} must be one of {BOX_FORMATS}, got {fmt!r}")
    _check_boxes("boxes", boxes)
    p, q, r, s = boxes.unbind(dim=1)
    formulas = {
        ("xyxy", "xywh"): lambda: (p, q, r - p, s - q),
        ("xyxy", "cxcywh"): lambda: (p + (r - p) / 2, q + (s - q) / 2, r - p, s - q),
        ("xywh", "xyxy"): lambda: (p, q, p + r, q + s),
        ("xywh", "cxcywh"): lambda: (p + r / 2, q + s / 2, r, s),
        ("cxcywh", "xyxy"): lambda: (p - r / 2, q - s / 2, p + r / 2, q + s / 2),
        ("cxcywh", "xywh"): lambda: (p - r / 2, q - s / 2, r, s),
    }
    if in_fmt == out_fmt:
        return boxes.clone()
    return torch.stack(formulas[in_fmt, out_fmt](), dim=1)
