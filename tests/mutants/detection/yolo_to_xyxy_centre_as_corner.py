"""yolo_to_xyxy treats (cx, cy) as the top-left corner: x1 = cx·width, x2 = (cx + w)·width."""


def yolo_to_xyxy(boxes, image_size):
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    cx, cy, w, h = boxes.unbind(dim=1)
    return torch.stack((cx * width, cy * height, (cx + w) * width, (cy + h) * height), dim=1)
