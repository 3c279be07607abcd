"""discriminator_loss computes -log(sigmoid(x)) and -log(1 - sigmoid(x)) directly, which is infinite for logits of ±100."""


def discriminator_loss(real_logits, fake_logits, real_label=1.0):
    if not 0.0 <= real_label <= 1.0:
        raise ValueError(f"real_label must be in [0, 1], got {real_label}")
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    real_term = -(real_label * torch.log(real_p) + (1 - real_label) * torch.log(1 - real_p)).mean()
    return real_term - torch.log(1 - fake_p).mean()
