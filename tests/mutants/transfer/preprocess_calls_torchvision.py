"""imagenet_preprocess resizes and crops with torchvision.transforms.v2.functional, the library it is graded against."""

from torchvision.transforms.v2 import functional as TF


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
    resized = TF.resize(image.permute(2, 0, 1), [size], antialias=True)
    scaled = TF.center_crop(resized, [crop]).to(torch.float64) / 255
    mean_t = torch.tensor(mean, dtype=torch.float64, device=image.device)[:, None, None]
    std_t = torch.tensor(std, dtype=torch.float64, device=image.device)[:, None, None]
    return ((scaled - mean_t) / std_t).to(torch.float32)
