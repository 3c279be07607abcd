"""Structure checks: a traced forward pass lists every leaf layer as it ran, and the checks name the misfit."""

import pytest
import torch

from cvgrade.structure import (
    POOLING,
    Layer,
    assert_activation,
    assert_layers,
    assert_none_of,
    leaky_relu,
    parameters,
)
from cvgrade.harness.submission import open_submission

NETS = '''
import torch
from torch import nn


class Net(nn.Module):
    """Registered in one order, run in another; one activation in place, one layer used twice."""

    def __init__(self):
        super().__init__()
        self.act = nn.LeakyReLU(0.2, inplace=True)
        self.conv = nn.Conv2d(1, 2, 3, stride=2, padding=1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8, 1))

    def forward(self, x):
        return self.head(self.act(self.conv(self.act(x))))


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 3)

    def forward(self, x):
        self.fc(x)
        raise ValueError("x is not what I wanted")
'''

MODES = [pytest.param(False, id="in-process"), pytest.param(True, id="isolated")]


@pytest.fixture(params=MODES)
def nets(request, toy_module):
    sub = open_submission(toy_module(NETS), "toy", isolated=request.param, call_timeout=20)
    yield sub
    sub.close()


def _x():
    return torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4)


def test_trace_lists_leaf_calls_in_the_order_they_ran(nets):
    traced = nets.new("Net").trace(_x())
    calls = traced["calls"]
    assert [(c["name"], c["type"]) for c in calls] == [
        ("act", "LeakyReLU"), ("conv", "Conv2d"), ("act", "LeakyReLU"), ("head.0", "Flatten"), ("head.1", "Linear")]
    assert calls[1]["shape"] == [1, 2, 2, 2] and traced["output"].shape == (1, 1)
    # the in-place activation's input is sampled before it runs: the negative half of x is still there
    assert torch.equal(calls[0]["input"], _x().flatten())
    assert torch.equal(calls[0]["output"], torch.where(_x() > 0, _x(), 0.2 * _x()).flatten())


def test_layers_and_settings_are_checked_position_by_position(nets):
    calls = nets.new("Net").trace(_x())["calls"]
    assert_layers(calls, [leaky_relu(0.2), Layer("Conv2d", stride=(2, 2), padding=(1, 1)), leaky_relu(0.2),
                          Layer("Linear", in_features=8, out_features=1)], "Net")
    with pytest.raises(AssertionError, match=r"Net: layer 2 \(conv\) has stride=\(2, 2\), expected stride=\(1, 1\)"):
        assert_layers(calls, [leaky_relu(0.2), Layer("Conv2d", stride=(1, 1))], "Net")
    with pytest.raises(AssertionError, match=r"Net: layer 3 \(act\) is a LeakyReLU, expected nn.ReLU"):
        assert_layers(calls, [leaky_relu(0.2), Layer("Conv2d"), Layer("ReLU"), Layer("Linear")], "Net")
    with pytest.raises(AssertionError, match=r"missing at the end: nn.Tanh"):
        assert_layers(calls, [leaky_relu(0.2), Layer("Conv2d"), leaky_relu(0.2), Layer("Linear"), Layer("Tanh")], "Net")
    with pytest.raises(AssertionError, match=r"unexpected after the last: head.1 \(Linear\)"):
        assert_layers(calls, [leaky_relu(0.2), Layer("Conv2d"), leaky_relu(0.2)], "Net")
    with pytest.raises(AssertionError, match=r"layer 1 \(act\) has negative_slope=0.2, expected negative_slope=0.01"):
        assert_layers(calls, [leaky_relu(0.01)], "Net")


def test_activation_behaviour_and_forbidden_layers(nets):
    calls = nets.new("Net").trace(_x())["calls"]
    assert assert_activation(calls, "LeakyReLU", lambda x: torch.where(x > 0, x, 0.2 * x), "Net",
                             rtol=1e-6, atol=0.0) == 2
    with pytest.raises(AssertionError, match=r"act \(LeakyReLU\(negative_slope=0.2, inplace=True\)\) does not compute"):
        assert_activation(calls, "LeakyReLU", torch.relu, "Net", rtol=1e-6, atol=0.0)
    assert_none_of(calls, POOLING, "Net", "no pooling")
    with pytest.raises(AssertionError, match=r"Net: conv \(Conv2d\): no convolutions"):
        assert_none_of(calls, ("Conv",), "Net", "no convolutions")


def test_hooks_are_removed_also_when_the_forward_raises(nets):
    broken = nets.new("Broken")
    with pytest.raises(ValueError, match="x is not what I wanted"):
        broken.trace(torch.ones(2, 3))
    assert broken.get("fc._forward_hooks") == {} and broken.get("fc._forward_pre_hooks") == {}
    net = nets.new("Net")
    net.trace(_x())
    assert net.get("conv._forward_hooks") == {} and len(net.trace(_x())["calls"]) == 5


def test_parameters_of_an_extra_repr():
    assert parameters("3, 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1), bias=False") == {
        "kernel_size": (4, 4), "stride": (2, 2), "padding": (1, 1), "bias": False}
    assert parameters("negative_slope=0.2, inplace=True") == {"negative_slope": 0.2, "inplace": True}
    assert parameters("11, 16", "Embedding") == {"num_embeddings": 11, "embedding_dim": 16}
    assert parameters("64, eps=1e-05, momentum=0.1", "BatchNorm2d") == {"num_features": 64, "eps": 1e-05,
                                                                        "momentum": 0.1}
    assert Layer("Embedding", num_embeddings=11).problem({"type": "Embedding", "extra": "10, 16", "name": "e"}) == \
        "has num_embeddings=10, expected num_embeddings=11"
    assert Layer("Conv2d", padding=(0, 0), defaults={"padding": (0, 0)}).problem(
        {"type": "Conv2d", "extra": "1, 2, kernel_size=(3, 3), stride=(1, 1)", "name": "c"}) is None
