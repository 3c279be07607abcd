"""dcgan_weights_init tests hasattr(module, "weight"), so it also re-initialises Linear layers, and never zeroes BatchNorm biases."""


def dcgan_weights_init(module):
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        nn.init.normal_(module.weight, 1.0, 0.02)
    elif hasattr(module, "weight"):
        nn.init.normal_(module.weight, 0.0, 0.02)
