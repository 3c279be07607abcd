"""Trusted references for the `cnn` graders, built on torch.nn.functional and torchvision.

Graders call these on float64 copies of the inputs, in the grading process.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.feature_extraction import create_feature_extractor


def conv_output_size(size, kernel_size, stride, padding, dilation):
    """The output length F.conv2d gives along one axis (H of an H×1 input and a k×1 kernel)."""
    x = torch.zeros(1, 1, size, 1, dtype=torch.float64)
    weight = torch.zeros(1, 1, kernel_size, 1, dtype=torch.float64)
    return F.conv2d(x, weight, stride=stride, padding=padding, dilation=dilation).shape[2]


def with_grads(fn, inputs, grad_output, **kwargs):
    """fn(*inputs, **kwargs) and the gradients of <fn(...), grad_output> for every tensor input (None stays None)."""
    leaves = [None if t is None else t.detach().requires_grad_(True) for t in inputs]
    value = fn(*leaves, **kwargs)
    output = value[0] if isinstance(value, tuple) else value
    wanted = [t for t in leaves if t is not None]
    grads = iter(torch.autograd.grad(output, wanted, grad_outputs=grad_output))
    return value, [None if t is None else next(grads) for t in leaves]


def im2col(x, kernel_size, stride=1, padding=0, dilation=1):
    return F.unfold(x, kernel_size, dilation=dilation, padding=padding, stride=stride)


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation, groups=groups)


def conv_transpose2d(x, weight, bias=None, stride=1, padding=0, output_padding=0):
    return F.conv_transpose2d(x, weight, bias, stride=stride, padding=padding, output_padding=output_padding)


def max_pool2d(x, kernel_size, stride=None, padding=0):
    """(values, int64 indices flattened over each input plane)."""
    return F.max_pool2d(x, kernel_size, stride=stride, padding=padding, return_indices=True)


def avg_pool2d(x, kernel_size, stride=None, padding=0, count_include_pad=True):
    return F.avg_pool2d(x, kernel_size, stride=stride, padding=padding, count_include_pad=count_include_pad)


def max_unpool2d(x, indices, output_size, kernel_size, stride=None, padding=0):
    """F.max_unpool2d needs the pooling's kernel, stride and padding to check `output_size`."""
    return F.max_unpool2d(x, indices, kernel_size, stride=stride, padding=padding, output_size=output_size)


def upsample_nearest(x, scale_factor):
    return F.interpolate(x, scale_factor=scale_factor, mode="nearest")


def mlp(sizes):
    """nn.Sequential(Linear, ReLU, ..., Linear) of the contract, float64."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out, dtype=torch.float64), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def mlp_logits(sizes, net_state, x):
    """Logits of the contract's MLP with the weights `net_state` (keys of `net`, without the "net." prefix)."""
    net = mlp(sizes).to(x.device)
    net.load_state_dict({k: v.double() for k, v in net_state.items()})
    with torch.no_grad():
        return net(x.flatten(1))


def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


def feature_maps(model, x, layer_names):
    """torchvision's create_feature_extractor, run once without gradients, in the model's current mode.

    create_feature_extractor ends with `model.train(model.training)`, which puts every submodule
    in the top-level mode; the extractor shares the model's submodules, so restoring each
    module's own flag afterwards runs it as the model would run (a frozen BatchNorm stays in eval).
    """
    flags = [(m, m.training) for m in model.modules()]
    extractor = create_feature_extractor(model, return_nodes=list(layer_names))
    for module, training in flags:
        module.training = training
    with torch.no_grad():
        return extractor(x)
