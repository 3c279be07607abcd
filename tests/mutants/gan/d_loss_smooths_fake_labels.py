"""discriminator_loss applies the label smoothing to the fake targets too (1 - real_label instead of 0): two-sided smoothing."""


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"real_label must be in [0, 1], got {real_label}")
    return _bce_with_logits(real_logits, real_label) + _bce_with_logits(fake_logits, 1.0 - real_label)
