"""Discriminator ends with nn.Sigmoid and returns probabilities, not the logits the losses expect."""


class Discriminator(Discriminator):
    def __init__(self, nc=3, ndf=64):
        super().__init__(nc, ndf)
        self.main.append(nn.Sigmoid())
