"""PatchEmbedding turns the (B, D, gh, gw) conv output into tokens with reshape(B, N, D) instead of a transpose."""


class PatchEmbedding(PatchEmbedding):
    def forward(self, x):
        out = self.proj(x)
        return out.reshape(out.shape[0], -1, out.shape[1])
