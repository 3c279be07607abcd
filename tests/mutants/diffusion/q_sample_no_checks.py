"""q_sample validates nothing: mismatched noise, a short t or t = T fail with torch errors (or wrap around) instead of ValueError."""


def q_sample(x0, t, noise, alphas_cumprod):
    a = alphas_cumprod.to(x0.dtype)[t].reshape(-1, *[1] * (x0.ndim - 1))
    return a.sqrt() * x0 + (1 - a).sqrt() * noise
