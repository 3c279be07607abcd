"""Generator ends with a sigmoid instead of tanh, so its images lie in [0, 1] rather than [-1, 1]."""


class Generator(Generator):
    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__(nz, ngf, nc)
        self.main[-1] = nn.Sigmoid()
