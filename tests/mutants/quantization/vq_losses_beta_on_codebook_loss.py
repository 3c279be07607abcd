"""vq_losses weights the codebook loss by beta instead of the commitment loss."""


def vq_losses(z, codes, beta=0.25):
    _check_same_shape("codes", codes, "z", z)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}")
    codebook_loss = beta * ((z.detach() - codes) ** 2).mean()
    commitment_loss = ((z - codes.detach()) ** 2).mean()
    return codebook_loss, commitment_loss
