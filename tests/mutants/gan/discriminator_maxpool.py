"""Discriminator downsamples with stride-1 convolutions followed by max pooling instead of strided convolutions."""


class Discriminator(nn.Module):
    def __init__(self, nc=3, ndf=64):
        super().__init__()
        self.nc = nc
        layers, c_in = [], nc
        for i, c_out in enumerate([ndf, ndf * 2, ndf * 4, ndf * 8]):
            layers += [nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False)] + ([nn.BatchNorm2d(c_out)] if i else [])
            layers += [nn.LeakyReLU(0.2, inplace=True), nn.MaxPool2d(2)]
            c_in = c_out
        layers.append(nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False))
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        if x.dim() != 4 or tuple(x.shape[1:]) != (self.nc, 64, 64):
            raise ValueError(f"x must have shape (B, {self.nc}, 64, 64), got {tuple(x.shape)}")
        return self.main(x).reshape(-1)
