"""euler_step steps against the velocity: x - dt · v."""


def euler_step(x, v, dt):
    _check_same_shape("v", v, "x", x)
    return x - dt * v
