"""straight_through returns codes.detach(): the right forward value, but no gradient reaches the encoder."""


def straight_through(z, codes):
    _check_same_shape("codes", codes, "z", z)
    return codes.detach()
