"""MultiHeadSelfAttention merges the heads with reshape(B, N, dim) straight from (B, heads, N, head_dim), mixing tokens."""


class MultiHeadSelfAttention(MultiHeadSelfAttention):
    def forward(self, x, return_attention=False):
        B, N, dim = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        out, weights = scaled_dot_product_attention(q, k, v)
        out = self.proj(out.reshape(B, N, dim))
        return (out, weights) if return_attention else out
