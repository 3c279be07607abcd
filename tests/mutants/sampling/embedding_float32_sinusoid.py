"""ClassConditionalEmbedding computes its sinusoid in torch's default float32 (arange without a dtype, t.float()) and casts it to the parameters' dtype only at the end."""


class ClassConditionalEmbedding(nn.Module):
    def __init__(self, num_classes: int, dim: int):
        super().__init__()
        _check_int("num_classes", num_classes, 1)
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 4 or dim % 2:
            raise ValueError(f"dim must be an even int >= 4, got {dim!r}")
        self.num_classes, self.dim = num_classes, dim
        self.time_mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))
        self.label_embedding = nn.Embedding(num_classes + 1, dim)

    def forward(self, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if type(t) is not torch.Tensor or t.ndim != 1:
            raise ValueError(f"t must be a (B,) tensor, got {t!r}")
        _check_batch_vector("labels", labels, len(t))
        if labels.is_floating_point() or labels.dtype == torch.bool or (
                len(labels) and not 0 <= int(labels.min()) <= int(labels.max()) <= self.num_classes):
            raise ValueError(f"labels must be integers in [0, num_classes] = [0, {self.num_classes}], got {labels}")
        weight = self.time_mlp[0].weight
        half = self.dim // 2
        i = torch.arange(half, device=weight.device)
        freqs = torch.exp(-math.log(10000) * i / (half - 1))
        angles = t.to(weight.device).float()[:, None] * freqs[None, :]
        emb = torch.cat([angles.sin(), angles.cos()], dim=-1).to(weight.dtype)
        return self.time_mlp(emb) + self.label_embedding(labels)
