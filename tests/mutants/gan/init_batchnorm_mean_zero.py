"""dcgan_weights_init draws the BatchNorm weights from N(0, 0.02) like the convolutions, instead of N(1, 0.02)."""


def dcgan_weights_init(module):
    if isinstance(module, (nn.modules.conv._ConvNd, nn.modules.batchnorm._BatchNorm)):
        nn.init.normal_(module.weight, 0.0, 0.02)
    if isinstance(module, nn.modules.batchnorm._BatchNorm):
        nn.init.zeros_(module.bias)
