"""discriminator_loss applies sigmoid and then F.binary_cross_entropy on the probabilities, which saturate for large logits."""


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"real_label must be in [0, 1], got {real_label}")
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return (torch.nn.functional.binary_cross_entropy(real_p, torch.full_like(real_p, real_label))
            + torch.nn.functional.binary_cross_entropy(fake_p, torch.zeros_like(fake_p)))
