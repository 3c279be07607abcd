"""softmax as exp(x − logsumexp(x)): stable like the max shift, but rounds differently for logits near 1e4."""


def softmax(x, dim=-1):
    return torch.exp(x - torch.logsumexp(x, dim=dim, keepdim=True))
