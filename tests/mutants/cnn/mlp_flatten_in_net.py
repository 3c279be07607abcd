"""MLP puts an nn.Flatten at the start of `net`, so the Linear layers sit at odd indices."""


class MLP(nn.Module):
    def __init__(self, sizes=(784, 128, 64, 10)):
        super().__init__()
        if len(sizes) < 2:
            raise ValueError("sizes must hold at least two widths")
        layers = [nn.Flatten()]
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        self.net = nn.Sequential(*layers[:-1])

    def forward(self, x):
        if x.dim() < 2 or math.prod(x.shape[1:]) != self.net[1].in_features:
            raise ValueError(f"x has the wrong shape {tuple(x.shape)}")
        return self.net(x)
