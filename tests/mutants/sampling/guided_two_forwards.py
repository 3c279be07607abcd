"""guided_eps calls the model twice, once with the labels and once with the null label, instead of one batched forward."""


def guided_eps(model, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor, null_label: int,
               scale: float) -> torch.Tensor:
    batch = x.shape[0]
    _check_batch_vector("t", t, batch)
    _check_batch_vector("labels", labels, batch)
    null = torch.full_like(labels, null_label)
    eps_cond, eps_uncond = model(x, t, labels), model(x, t, null)
    return eps_uncond + scale * (eps_cond - eps_uncond)
