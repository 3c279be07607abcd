"""train_step calls optimizer.zero_grad() between backward and step, so the step never sees the new gradients."""


def train_step(model, batch, optimizer, loss_fn):
    inputs, targets = batch
    model.train()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.zero_grad()
    optimizer.step()
    return loss.item()
