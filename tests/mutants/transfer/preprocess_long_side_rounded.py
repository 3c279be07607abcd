"""imagenet_preprocess rounds the longer side, round(size · long / short), where torchvision truncates it with int()."""


def _resized_shape(height, width, size):
    if height <= width:
        return size, round(size * width / height)
    return round(size * height / width), size
