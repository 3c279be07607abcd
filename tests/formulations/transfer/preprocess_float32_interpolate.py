"""imagenet_preprocess resizes with torch's antialiased F.interpolate on float32 levels, rounds, and normalises as
(levels − 255·mean) / (255·std): a float resize rounded to uint8 and another order of operations, both allowed."""

import torch.nn.functional as F


def imagenet_preprocess(image, size=256, crop=224, mean=IMAGENET_MEAN, std=IMAGENET_STD):
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(np.ascontiguousarray(image))
    if not isinstance(image, torch.Tensor) or image.dtype != torch.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("image must be a uint8 (H, W, 3) image")
    _check_positive_int("size", size)
    _check_positive_int("crop", crop)
    if crop > size:
        raise ValueError("crop must be <= size")
    mean, std = _check_channels("mean", mean), _check_channels("std", std, positive=True)
    height, width = image.shape[:2]
    short, long = min(height, width), max(height, width)
    new_size = (size, int(size * long / short)) if height <= width else (int(size * long / short), size)
    levels = image.permute(2, 0, 1)[None].to(torch.float32)
    resized = F.interpolate(levels, size=new_size, mode="bilinear", antialias=True, align_corners=False)[0]
    top, left = round((new_size[0] - crop) / 2), round((new_size[1] - crop) / 2)
    cropped = resized.round().clamp(0, 255)[:, top:top + crop, left:left + crop]
    mean_t = 255 * torch.tensor(mean, dtype=torch.float32, device=image.device)[:, None, None]
    std_t = 255 * torch.tensor(std, dtype=torch.float32, device=image.device)[:, None, None]
    return (cropped - mean_t) / std_t
