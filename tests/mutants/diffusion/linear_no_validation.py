"""linear_beta_schedule accepts any T and betas, returning an empty or meaningless schedule instead of raising ValueError."""


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, max(T, 0), dtype=torch.float32)
