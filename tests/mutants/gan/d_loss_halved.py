"""discriminator_loss averages the real and fake terms ((real + fake) / 2) instead of adding them."""


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"real_label must be in [0, 1], got {real_label}")
    return 0.5 * (_bce_with_logits(real_logits, real_label) + _bce_with_logits(fake_logits, 0.0))
