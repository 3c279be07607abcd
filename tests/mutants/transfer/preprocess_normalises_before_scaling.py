"""imagenet_preprocess normalises the 0-255 levels with the [0, 1] mean and std and divides by 255 afterwards."""


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
    new_height, new_width = _resized_shape(height, width, size)
    pixels = image.permute(2, 0, 1).to(torch.float64)
    resized = (_resize_matrix(height, new_height, image.device) @ pixels
               @ _resize_matrix(width, new_width, image.device).T).round().clamp(0, 255)
    cropped = _centre_crop(resized, crop)
    mean_t = torch.tensor(mean, dtype=torch.float64, device=image.device)[:, None, None]
    std_t = torch.tensor(std, dtype=torch.float64, device=image.device)[:, None, None]
    return ((cropped - mean_t) / std_t / 255).to(torch.float32)
