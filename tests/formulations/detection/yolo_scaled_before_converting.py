"""yolo_to_xyxy scales centre and size to pixels first, then converts (x1 = cx·W - w·W/2); xyxy_to_yolo
normalises each corner first, then converts (w = x2/W - x1/W)."""


def yolo_to_xyxy(boxes, image_size):
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    scale = torch.tensor([width, height, width, height], dtype=boxes.dtype, device=boxes.device)
    pixels = boxes * scale
    return torch.cat([pixels[:, :2] - pixels[:, 2:] / 2, pixels[:, :2] + pixels[:, 2:] / 2], dim=1)


def xyxy_to_yolo(boxes, image_size):
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    scale = torch.tensor([width, height, width, height], dtype=boxes.dtype, device=boxes.device)
    unit = boxes / scale
    return torch.cat([(unit[:, :2] + unit[:, 2:]) / 2, unit[:, 2:] - unit[:, :2]], dim=1)
