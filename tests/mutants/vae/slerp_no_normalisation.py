"""interpolate_latents measures the slerp angle as acos(z_a · z_b) without normalising the vectors first."""

_solution_interpolate_latents = interpolate_latents


def interpolate_latents(z_a, z_b, steps, method="linear"):
    if method != "slerp":
        return _solution_interpolate_latents(z_a, z_b, steps, method)
    alpha = torch.linspace(0, 1, steps, dtype=z_a.dtype, device=z_a.device).reshape(steps, *([1] * z_a.dim()))
    omega = torch.acos(torch.clamp((z_a * z_b).sum(-1, keepdim=True), -1, 1))
    sin_omega = torch.sin(omega)
    return torch.sin((1 - alpha) * omega) / sin_omega * z_a + torch.sin(alpha * omega) / sin_omega * z_b
