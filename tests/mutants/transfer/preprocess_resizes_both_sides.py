"""imagenet_preprocess resizes the image to size × size, squashing its aspect ratio, instead of setting only the shorter side."""


def _resized_shape(height, width, size):
    return size, size
