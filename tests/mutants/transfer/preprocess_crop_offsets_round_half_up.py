"""imagenet_preprocess rounds the crop offsets half up, int(x + 0.5), where torchvision uses Python's round (half to even)."""


def _centre_crop(image, crop):
    height, width = image.shape[-2:]
    top, left = int((height - crop) / 2 + 0.5), int((width - crop) / 2 + 0.5)
    return image[:, top:top + crop, left:left + crop]
