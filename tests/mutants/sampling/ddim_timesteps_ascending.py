"""ddim_timesteps returns the leading timesteps in ascending order (forgets the flip)."""


def ddim_timesteps(T: int, num_inference_steps: int) -> torch.Tensor:
    _check_int("T", T, 1)
    _check_int("num_inference_steps", num_inference_steps, 1)
    if num_inference_steps > T:
        raise ValueError(f"num_inference_steps must be <= T = {T}, got {num_inference_steps}")
    return (torch.arange(num_inference_steps, dtype=torch.long) * (T // num_inference_steps))
