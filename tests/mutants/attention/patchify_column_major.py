"""patchify lists the patches column by column (top to bottom first) instead of row-major order."""


def patchify(images, patch_size):
    B, C, H, W = images.shape
    P = patch_size
    if H % P or W % P:
        raise ValueError(f"image height {H} and width {W} must be divisible by patch_size {P}")
    patches = images.reshape(B, C, H // P, P, W // P, P).permute(0, 4, 2, 1, 3, 5)
    return patches.reshape(B, (H // P) * (W // P), C * P * P)
