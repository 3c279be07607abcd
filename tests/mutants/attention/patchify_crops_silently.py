"""patchify crops images whose size is not a multiple of the patch size instead of raising ValueError."""


def patchify(images, patch_size):
    B, C, H, W = images.shape
    P = patch_size
    images = images[:, :, : H // P * P, : W // P * P]
    H, W = images.shape[-2:]
    patches = images.reshape(B, C, H // P, P, W // P, P).permute(0, 2, 4, 1, 3, 5)
    return patches.reshape(B, (H // P) * (W // P), C * P * P)
