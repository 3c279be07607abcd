"""count_parameters counts frozen parameters too, whatever trainable_only says."""


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters())
