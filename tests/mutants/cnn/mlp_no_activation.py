"""MLP stacks the Linear layers without any ReLU between them (a single linear map in disguise)."""


class MLP(nn.Module):
    def __init__(self, sizes=(784, 128, 64, 10)):
        super().__init__()
        if len(sizes) < 2:
            raise ValueError("sizes must hold at least two widths")
        self.net = nn.Sequential(*(nn.Linear(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])))

    def forward(self, x):
        if x.dim() < 2 or math.prod(x.shape[1:]) != self.net[0].in_features:
            raise ValueError(f"x has the wrong shape {tuple(x.shape)}")
        return self.net(x.flatten(1))
