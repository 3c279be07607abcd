"""vq_losses computes both losses as plain MSE(z, codes) without any stop-gradient."""


def vq_losses(z, codes, beta=0.25):
    _check_same_shape("codes", codes, "z", z)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}")
    mse = ((z - codes) ** 2).mean()
    return mse, beta * mse
