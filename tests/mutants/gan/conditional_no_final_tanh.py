"""ConditionalGenerator ends with its last Linear layer, without the tanh, so its images leave [-1, 1]."""


class ConditionalGenerator(ConditionalGenerator):
    def __init__(self, nz, num_classes, embed_dim, img_shape, hidden=128):
        super().__init__(nz, num_classes, embed_dim, img_shape, hidden)
        self.model = self.model[:-1]
