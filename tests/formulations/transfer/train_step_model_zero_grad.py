"""train_step zeroes the gradients with model.zero_grad() (also set to None) and checks nothing about the batch's types."""


def train_step(model, batch, optimizer, loss_fn):
    if not isinstance(batch, (list, tuple)) or len(batch) != 2:
        raise ValueError("batch must be a pair (inputs, targets)")
    model.train()
    model.zero_grad()
    inputs, targets = batch
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return float(loss)
