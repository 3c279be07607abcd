"""MultiHeadSelfAttention always gives qkv a bias, ignoring qkv_bias=False, so its keys differ from timm's."""


class MultiHeadSelfAttention(MultiHeadSelfAttention):
    def __init__(self, dim, num_heads, qkv_bias=True):
        super().__init__(dim, num_heads, qkv_bias=True)
