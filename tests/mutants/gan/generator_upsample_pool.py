"""Generator upsamples with nn.Upsample + nn.Conv2d and smooths with average pooling instead of using transposed convolutions."""


class Generator(nn.Module):
    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        self.nz = nz
        layers = [nn.Upsample(scale_factor=4), nn.Conv2d(nz, ngf * 8, 3, 1, 1, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True)]
        channels = [ngf * 8, ngf * 4, ngf * 2, ngf]
        for c_in, c_out in zip(channels, channels[1:]):
            layers += [nn.Upsample(scale_factor=2), nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False), nn.AvgPool2d(3, 1, 1),
                       nn.BatchNorm2d(c_out), nn.ReLU(True)]
        layers += [nn.Upsample(scale_factor=2), nn.Conv2d(ngf, nc, 3, 1, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, z):
        if z.dim() != 4 or tuple(z.shape[1:]) != (self.nz, 1, 1):
            raise ValueError(f"z must have shape (B, {self.nz}, 1, 1), got {tuple(z.shape)}")
        return self.main(z)
