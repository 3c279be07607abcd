"""imagenet_preprocess crops at (H - crop) // 2, half a pixel off torchvision's rounded centre when the margin is odd."""


def _centre_crop(image, crop):
    height, width = image.shape[-2:]
    top, left = (height - crop) // 2, (width - crop) // 2
    return image[:, top:top + crop, left:left + crop]
