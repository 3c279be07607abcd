"""gradient_penalty mixes the wrong way round: x̂ = alpha·fake + (1 - alpha)·real."""


def gradient_penalty(critic, real, fake, alpha):
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {tuple(real.shape)} and {tuple(fake.shape)}")
    alpha = alpha.reshape(real.shape[0], *([1] * (real.dim() - 1)))
    x_hat = (alpha * fake + (1 - alpha) * real).requires_grad_(True)
    scores = critic(x_hat)
    (grad,) = torch.autograd.grad(scores, x_hat, grad_outputs=torch.ones_like(scores), create_graph=True)
    return ((grad.reshape(real.shape[0], -1).norm(2, dim=1) - 1) ** 2).mean()
