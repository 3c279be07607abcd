"""count_parameters counts parameter tensors instead of their elements."""


def count_parameters(model, trainable_only=True):
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])
