"""guided_eps batches [null, labels] (unconditional half first) but still reads the first half as eps_c."""


def guided_eps(model, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor, null_label: int,
               scale: float) -> torch.Tensor:
    batch = x.shape[0]
    _check_batch_vector("t", t, batch)
    _check_batch_vector("labels", labels, batch)
    null = torch.full_like(labels, null_label)
    eps = model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([null, labels]))
    eps_cond, eps_uncond = eps[:batch], eps[batch:]
    return eps_uncond + scale * (eps_cond - eps_uncond)
