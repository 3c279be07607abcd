"""softmax always normalises over the last axis, ignoring its `dim` argument."""


def softmax(x, dim=-1):
    shifted = x - x.amax(dim=-1, keepdim=True)
    exp = shifted.exp()
    return exp / exp.sum(dim=-1, keepdim=True)
