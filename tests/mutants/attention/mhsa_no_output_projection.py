"""MultiHeadSelfAttention returns the merged heads without applying the output projection `proj`."""


class MultiHeadSelfAttention(MultiHeadSelfAttention):
    def forward(self, x, return_attention=False):
        B, N, dim = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        out, weights = scaled_dot_product_attention(q, k, v)
        out = out.transpose(1, 2).reshape(B, N, dim)
        return (out, weights) if return_attention else out
