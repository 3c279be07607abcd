"""xyxy_to_yolo reads image_size as (width, height) instead of (height, width)."""


def xyxy_to_yolo(boxes, image_size):
    _check_boxes("boxes", boxes)
    width, height = _check_image_size(image_size)
    x1, y1, x2, y2 = boxes.unbind(dim=1)
    return torch.stack(((x1 + x2) / (2 * width), (y1 + y2) / (2 * height),
                        (x2 - x1) / width, (y2 - y1) / height), dim=1)
