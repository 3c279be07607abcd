"""train_step zeroes every gradient in place (grad.zero_()) instead of optimizer.zero_grad(), so AdamW still decays frozen parameters."""


def train_step(model, batch, optimizer, loss_fn):
    inputs, targets = batch
    model.train()
    for param in model.parameters():
        if param.grad is not None:
            param.grad.zero_()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()
