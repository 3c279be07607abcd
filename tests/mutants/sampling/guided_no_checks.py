"""guided_eps checks neither t nor labels and leaves bad shapes to the model, which fails with a shape error of its own."""


def guided_eps(model, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor, null_label: int,
               scale: float) -> torch.Tensor:
    batch = x.shape[0]
    null = torch.full_like(labels, null_label)
    eps = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
    eps_cond, eps_uncond = eps[:batch], eps[batch:]
    return eps_uncond + scale * (eps_cond - eps_uncond)
