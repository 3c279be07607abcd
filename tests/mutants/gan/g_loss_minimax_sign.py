"""generator_loss returns BCE(fake_logits, 0) = -mean log(1 - D(G(z))) for "minimax": the discriminator's term, with the wrong sign for G."""


def generator_loss(fake_logits, kind="non_saturating"):
    if kind not in GENERATOR_KINDS:
        raise ValueError(f"kind must be one of {GENERATOR_KINDS}, got {kind!r}")
    if kind == "non_saturating":
        return _bce_with_logits(fake_logits, 1.0)
    return _bce_with_logits(fake_logits, 0.0)
