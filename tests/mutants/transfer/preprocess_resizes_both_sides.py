"""imagenet_preprocess resizes the image to size × size, squashing its aspect ratio, instead of setting only the shorter side."""


def imagenet_preprocess(image, size: int = 256, crop: int = 224, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> torch.Tensor:
    if isinstance(image, np.ndarray):
        image = torch.from_numpy(np.ascontiguousarray(image))
    if not isinstance(image, torch.Tensor):
        raise ValueError(f"image must be a uint8 np.ndarray or torch.Tensor, got {type(image).__name__}")
    if image.dtype != torch.uint8 or image.ndim != 3 or image.shape[2] != 3 or 0 in image.shape:
        raise ValueError(f"image must be a non-empty uint8 (H, W, 3) image, got dtype {image.dtype} "
                         f"and shape {tuple(image.shape)}")
    _check_positive_int("size", size)
    _check_positive_int("crop", crop)
    if crop > size:
        raise ValueError(f"crop must be <= size = {size}, got {crop}")
    mean = torch.tensor(_check_channels("mean", mean), dtype=torch.float64, device=image.device)[:, None, None]
    std = torch.tensor(_check_channels("std", std, positive=True), dtype=torch.float64, device=image.device)[:, None, None]

    def resize_weights(n_in: int, n_out: int) -> torch.Tensor:
        """(n_out, n_in) float64 weights of the antialiased bilinear resize along one axis."""
        scale = n_in / n_out
        centres = (torch.arange(n_out, dtype=torch.float64, device=image.device) + 0.5) * scale
        pixels = torch.arange(n_in, dtype=torch.float64, device=image.device) + 0.5
        weights = (1 - (pixels[None, :] - centres[:, None]).abs() / max(scale, 1.0)).clamp(min=0)
        return weights / weights.sum(dim=1, keepdim=True)

    height, width = image.shape[:2]
    new_height, new_width = size, size
    levels = image.permute(2, 0, 1).to(torch.float64)
    resized = (resize_weights(height, new_height) @ levels @ resize_weights(width, new_width).T).round().clamp(0, 255)
    top, left = round((new_height - crop) / 2), round((new_width - crop) / 2)
    cropped = resized[:, top:top + crop, left:left + crop]
    return ((cropped / 255 - mean) / std).to(torch.float32)
