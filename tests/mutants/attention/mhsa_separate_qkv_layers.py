"""MultiHeadSelfAttention uses three Linear layers q, k, v instead of one fused `qkv`, so timm's state_dict does not load."""


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f"dim ({dim}) must be divisible by num_heads ({num_heads})")
        self.num_heads, self.head_dim = num_heads, dim // num_heads
        self.q = nn.Linear(dim, dim, bias=qkv_bias)
        self.k = nn.Linear(dim, dim, bias=qkv_bias)
        self.v = nn.Linear(dim, dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, return_attention=False):
        B, N, dim = x.shape
        q, k, v = (layer(x).reshape(B, N, self.num_heads, self.head_dim).transpose(1, 2)
                   for layer in (self.q, self.k, self.v))
        out, weights = scaled_dot_product_attention(q, k, v)
        out = self.proj(out.transpose(1, 2).reshape(B, N, dim))
        return (out, weights) if return_attention else out
