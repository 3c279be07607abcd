"""xyxy_to_yolo writes the normalised top-left corner where the centre belongs."""


def xyxy_to_yolo(boxes, image_size):
    _check_boxes("boxes", boxes)
    height, width = _check_image_size(image_size)
    x1, y1, x2, y2 = boxes.unbind(dim=1)
    return torch.stack((x1 / width, y1 / height, (x2 - x1) / width, (y2 - y1) / height), dim=1)
