"""train_step never zeroes the gradients, so stale ones (and the previous step's) are added to the new ones."""


def train_step(model, batch, optimizer, loss_fn):
    inputs, targets = batch
    model.train()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()
