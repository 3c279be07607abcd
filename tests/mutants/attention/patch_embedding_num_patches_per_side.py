"""PatchEmbedding sets num_patches to the patches per side (img_size // patch_size) instead of their total."""


class PatchEmbedding(PatchEmbedding):
    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__(img_size, patch_size, in_chans, embed_dim)
        self.num_patches = img_size // patch_size
