"""softmax subtracts the max of the whole tensor instead of each row's max, so rows far below it underflow to 0 / 0."""


def softmax(x, dim=-1):
    exp = (x - x.max()).exp()
    return exp / exp.sum(dim=dim, keepdim=True)
