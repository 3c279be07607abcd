"""train_step runs the forward pass first and then clears the gradients with model.zero_grad() (also to None) before
backward: another correct order, with the model's own zero_grad instead of the optimizer's."""


def train_step(model, batch, optimizer, loss_fn):
    if not isinstance(batch, (list, tuple)) or len(batch) != 2:
        raise ValueError("batch must be a pair (inputs, targets)")
    inputs, targets = batch
    model.train()
    loss = loss_fn(model(inputs), targets)
    model.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss)
