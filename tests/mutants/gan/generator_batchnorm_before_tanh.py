"""Generator puts a BatchNorm2d between its last transposed convolution and the tanh (DCGAN has none there)."""


class Generator(Generator):
    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__(nz, ngf, nc)
        self.main = nn.Sequential(*self.main[:-1], nn.BatchNorm2d(nc), self.main[-1])
