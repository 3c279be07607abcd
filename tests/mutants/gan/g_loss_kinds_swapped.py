"""generator_loss swaps the two kinds: "non_saturating" returns mean log(1 - D(G(z))) and "minimax" returns -mean log D(G(z))."""


def generator_loss(fake_logits, kind="non_saturating"):
    if kind not in GENERATOR_KINDS:
        raise ValueError(f"kind must be one of {GENERATOR_KINDS}, got {kind!r}")
    if kind == "minimax":
        return _bce_with_logits(fake_logits, 1.0)
    return -_bce_with_logits(fake_logits, 0.0)
