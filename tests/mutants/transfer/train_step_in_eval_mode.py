"""train_step never calls model.train(), so a model handed over in eval mode trains with BatchNorm's running statistics."""


def train_step(model, batch, optimizer, loss_fn):
    inputs, targets = batch
    optimizer.zero_grad()
    loss = loss_fn(model(inputs), targets)
    loss.backward()
    optimizer.step()
    return loss.item()
