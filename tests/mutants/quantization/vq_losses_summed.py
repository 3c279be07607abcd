"""vq_losses sums the squared errors instead of averaging them over all elements."""


def vq_losses(z, codes, beta=0.25):
    _check_same_shape("codes", codes, "z", z)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}")
    return ((z.detach() - codes) ** 2).sum(), beta * ((z - codes.detach()) ** 2).sum()
