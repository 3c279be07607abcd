"""Discriminator uses a plain ReLU for its third activation instead of LeakyReLU(0.2): negative responses die there."""


class Discriminator(Discriminator):
    def __init__(self, nc=3, ndf=64):
        super().__init__(nc, ndf)
        self.main[7] = nn.ReLU(inplace=True)
