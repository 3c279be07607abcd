"""count_parameters sums the state dict: BatchNorm's buffers count, and a shared layer counts twice."""


def count_parameters(model, trainable_only=True):
    return sum(v.numel() for v in model.state_dict().values())
