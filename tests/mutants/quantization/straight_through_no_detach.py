"""straight_through forgets the detach: z + (codes - z), whose gradient to z cancels to zero and flows to codes instead."""


def straight_through(z, codes):
    _check_same_shape("codes", codes, "z", z)
    return z + (codes - z)
