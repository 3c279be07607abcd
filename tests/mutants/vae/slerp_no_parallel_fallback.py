"""interpolate_latents' slerp divides by sin ω without falling back to linear, so parallel vectors give NaN."""

_solution_interpolate_latents = interpolate_latents


def interpolate_latents(z_a, z_b, steps, method="linear"):
    if method != "slerp":
        return _solution_interpolate_latents(z_a, z_b, steps, method)
    alpha = torch.linspace(0, 1, steps, dtype=z_a.dtype, device=z_a.device).reshape(steps, *([1] * z_a.dim()))
    cos = (z_a / z_a.norm(dim=-1, keepdim=True) * z_b / z_b.norm(dim=-1, keepdim=True)).sum(-1, keepdim=True)
    omega = torch.acos(torch.clamp(cos, -1, 1))
    return (torch.sin((1 - alpha) * omega) * z_a + torch.sin(alpha * omega) * z_b) / torch.sin(omega)
