"""MultiHeadSelfAttention splits qkv as (B, N, heads, 3, head_dim) instead of timm's (B, N, 3, heads, head_dim)."""


class MultiHeadSelfAttention(MultiHeadSelfAttention):
    def forward(self, x, return_attention=False):
        B, N, dim = x.shape
        qkv = self.qkv(x).reshape(B, N, self.num_heads, 3, self.head_dim).permute(3, 0, 2, 1, 4)
        q, k, v = qkv.unbind(0)
        out, weights = scaled_dot_product_attention(q, k, v)
        out = self.proj(out.transpose(1, 2).reshape(B, N, dim))
        return (out, weights) if return_attention else out
