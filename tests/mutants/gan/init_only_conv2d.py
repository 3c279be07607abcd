"""dcgan_weights_init checks `type(module) is nn.Conv2d`, so transposed convolutions and BatchNorm1d keep PyTorch's default init."""


def dcgan_weights_init(module):
    if type(module) is nn.Conv2d:
        nn.init.normal_(module.weight, 0.0, 0.02)
    elif type(module) is nn.BatchNorm2d:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)
