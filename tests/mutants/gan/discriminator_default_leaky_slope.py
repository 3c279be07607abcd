"""Discriminator uses nn.LeakyReLU() with its default negative slope 0.01 instead of 0.2."""


class Discriminator(Discriminator):
    def __init__(self, nc=3, ndf=64):
        super().__init__(nc, ndf)
        for i, layer in enumerate(self.main):
            if isinstance(layer, nn.LeakyReLU):
                self.main[i] = nn.LeakyReLU(inplace=True)
