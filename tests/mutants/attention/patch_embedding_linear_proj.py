"""PatchEmbedding uses nn.Linear on flattened patches as `proj` instead of a Conv2d, so timm's weights do not load."""


class PatchEmbedding(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.patch_size = patch_size
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Linear(in_chans * patch_size * patch_size, embed_dim)

    def forward(self, x):
        return self.proj(patchify(x, self.patch_size))
