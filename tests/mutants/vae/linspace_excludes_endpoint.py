"""interpolate_latents uses alpha = arange(steps) / steps, which never reaches z_b (the endpoint is excluded)."""


def interpolate_latents(z_a, z_b, steps, method="linear"):
    _check_same_shape("z_a", z_a, "z_b", z_b)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if steps < 2:
        raise ValueError(f"steps must be an int >= 2, got {steps!r}")
    alpha = (torch.arange(steps, dtype=z_a.dtype, device=z_a.device) / steps).reshape(steps, *([1] * z_a.dim()))
    if method == "linear":
        return (1 - alpha) * z_a + alpha * z_b
    unit_a = z_a / z_a.norm(dim=-1, keepdim=True)
    unit_b = z_b / z_b.norm(dim=-1, keepdim=True)
    omega = torch.acos(torch.clamp((unit_a * unit_b).sum(-1, keepdim=True), -1, 1))
    s = torch.sin(omega)
    return torch.sin((1 - alpha) * omega) / s * z_a + torch.sin(alpha * omega) / s * z_b
