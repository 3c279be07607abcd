"""guided_eps uses the (1 + w) convention, eps_c + scale · (eps_c − eps_u), so scale = 0 gives eps_c instead of eps_u."""


def guided_eps(model, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor, null_label: int,
               scale: float) -> torch.Tensor:
    batch = x.shape[0]
    _check_batch_vector("t", t, batch)
    _check_batch_vector("labels", labels, batch)
    null = torch.full_like(labels, null_label)
    eps = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
    eps_cond, eps_uncond = eps[:batch], eps[batch:]
    return eps_cond + scale * (eps_cond - eps_uncond)
