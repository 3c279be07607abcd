"""Generator ends with the last transposed convolution, without the tanh, so its images are not bounded to [-1, 1]."""


class Generator(Generator):
    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__(nz, ngf, nc)
        self.main = self.main[:-1]
