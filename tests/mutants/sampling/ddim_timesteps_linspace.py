"""ddim_timesteps spreads the steps over [0, T − 1] with linspace (diffusers' "linspace" spacing) instead of multiples of T // n."""


def ddim_timesteps(T: int, num_inference_steps: int) -> torch.Tensor:
    _check_int("T", T, 1)
    _check_int("num_inference_steps", num_inference_steps, 1)
    if num_inference_steps > T:
        raise ValueError(f"num_inference_steps must be <= T = {T}, got {num_inference_steps}")
    return torch.linspace(0, T - 1, num_inference_steps, dtype=torch.float64).round().long().flip(0)
