"""ConditionalGenerator concatenates one-hot labels to the noise instead of an nn.Embedding named label_embedding."""


class ConditionalGenerator(nn.Module):
    def __init__(self, nz, num_classes, embed_dim, img_shape, hidden=128):
        super().__init__()
        self.nz, self.num_classes, self.img_shape = nz, num_classes, tuple(img_shape)
        self.model = nn.Sequential(
            nn.Linear(nz + num_classes, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, hidden), nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(hidden, math.prod(self.img_shape)), nn.Tanh(),
        )

    def forward(self, z, labels):
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"z must have shape (B, {self.nz}), got {tuple(z.shape)}")
        if labels.shape != z.shape[:1]:
            raise ValueError(f"labels must have shape ({z.shape[0]},), got {tuple(labels.shape)}")
        one_hot = torch.nn.functional.one_hot(labels, self.num_classes).to(z.dtype)
        return self.model(torch.cat([z, one_hot], dim=1)).reshape(z.shape[0], *self.img_shape)
