"""generator_loss takes the log of sigmoid(fake_logits) directly, which is infinite for logits of ±100."""


def generator_loss(fake_logits, kind="non_saturating"):
    if kind not in GENERATOR_KINDS:
        raise ValueError(f"kind must be one of {GENERATOR_KINDS}, got {kind!r}")
    d = torch.sigmoid(fake_logits)
    if kind == "non_saturating":
        return -torch.log(d).mean()
    return torch.log(1 - d).mean()
