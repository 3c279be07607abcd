"""imagenet_preprocess downscales with plain bilinear interpolation (a one-pixel triangle), without antialiasing."""


def _resize_matrix(n_in, n_out, device):
    centres = (torch.arange(n_out, dtype=torch.float64, device=device) + 0.5) * n_in / n_out
    pixels = torch.arange(n_in, dtype=torch.float64, device=device) + 0.5
    weights = (1 - (pixels[None, :] - centres[:, None]).abs()).clamp(min=0)
    return weights / weights.sum(dim=1, keepdim=True)
