"""yolo_to_xyxy reads image_size as (width, height) instead of (height, width)."""


def yolo_to_xyxy(boxes, image_size):
    _check_boxes("boxes", boxes)
    width, height = _check_image_size(image_size)
    cx, cy, w, h = boxes.unbind(dim=1)
    return torch.stack(((cx - w / 2) * width, (cy - h / 2) * height,
                        (cx + w / 2) * width, (cy + h / 2) * height), dim=1)
