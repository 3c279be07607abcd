"""euler_step adds the whole velocity, x + v, ignoring the step size dt."""


def euler_step(x, v, dt):
    _check_same_shape("v", v, "x", x)
    return x + v
