"""ConditionalGenerator builds label_embedding but feeds only the noise to the MLP, so the labels change nothing."""


class ConditionalGenerator(nn.Module):
    def __init__(self, nz, num_classes, embed_dim, img_shape, hidden=128):
        super().__init__()
        self.nz, self.img_shape = nz, tuple(img_shape)
        self.label_embedding = nn.Embedding(num_classes, embed_dim)
        self.model = nn.Sequential(
            nn.Linear(nz, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, math.prod(self.img_shape)), nn.Tanh(),
        )

    def forward(self, z, labels):
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"z must have shape (B, {self.nz}), got {tuple(z.shape)}")
        if labels.shape != z.shape[:1]:
            raise ValueError(f"labels must have shape ({z.shape[0]},), got {tuple(labels.shape)}")
        return self.model(z).reshape(z.shape[0], *self.img_shape)
