"""The grader's view of a submission gives the same verdicts in-process and isolated."""

import random

import numpy as np
import pytest
import torch

from cvgrade.errors import CallTimeout, ReferenceCallError, SubmissionCrashed, SubmissionError, SubmissionImportError
from cvgrade.harness.submission import open_submission
from cvgrade.sandbox.wire import Foreign

TOY = '''
import os
import numpy as np
import torch
import cv2


def add(a, b):
    return a + b


def positive(x):
    if x < 0:
        raise ValueError("x must be >= 0")
    return x


def sobel(image):
    return cv2.Sobel(image, cv2.CV_64F, 1, 0, ksize=3)


def loop():
    while True:
        pass


def leave():
    os._exit(3)


def square_sum(x):
    return (x ** 2).sum()


def detached(x):
    return (x ** 2).sum().detach()


def mutate(x):
    x[0] = 100.0
    return x


class Evil(np.ndarray):
    def __eq__(self, other):
        return True


def evil():
    return np.zeros(3).view(Evil)


class Line(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.fc = torch.nn.Linear(n, 1)

    def forward(self, x):
        return self.fc(x)
'''

MODES = [pytest.param(False, id="in-process"), pytest.param(True, id="isolated")]


@pytest.fixture(params=MODES)
def toy(request, toy_module):
    sub = open_submission(toy_module(TOY), "toy", isolated=request.param, call_timeout=3,
                          reference_calls={"sobel": ["cv2.Sobel"]})
    yield sub
    sub.close()


def test_plain_calls(toy):
    out = toy.call("add", np.ones(3), np.ones(3))
    assert type(out) is np.ndarray and np.array_equal(out, np.full(3, 2.0))
    assert toy.call("add", 1, b=2) == 3


def test_student_exception_keeps_its_builtin_class(toy):
    with pytest.raises(ValueError, match="^x must be >= 0$") as caught:  # only what the student raised is matched
        toy.call("positive", -1)
    assert isinstance(caught.value, SubmissionError)
    assert caught.value.shown.startswith("toy.positive raised ValueError: x must be >= 0\n  toy.py, line")
    with pytest.raises(SubmissionError, match="has no function named 'missing'"):
        toy.call("missing")


def test_reference_call_is_flagged(toy):
    with pytest.raises(ReferenceCallError, match="toy.sobel called cv2.Sobel"):
        toy.call("sobel", np.ones((5, 5)))


def test_arguments_are_copied(toy):
    x = torch.zeros(3)
    toy.call("mutate", x)
    assert torch.equal(x, torch.zeros(3))


def test_objects_that_are_not_plain_data_arrive_as_foreign(toy):
    assert toy.call("evil") == Foreign("toy.Evil")


def test_gradients_flow_back(toy):
    result = toy.grad("square_sum", torch.tensor([1.0, -2.0], requires_grad=True))
    assert torch.equal(result.input_grads[0], torch.tensor([2.0, -4.0]))
    assert toy.grad("detached", torch.ones(2, requires_grad=True)).input_grads == [None]


def test_student_class_through_a_handle(toy):
    line = toy.new("Line", 4)
    trusted = torch.nn.Linear(4, 1)
    assert line.load_state_dict({f"fc.{k}": v for k, v in trusted.state_dict().items()}) == {
        "missing_keys": [], "unexpected_keys": []}
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(line(x), trusted(x).detach(), rtol=0, atol=0)
    assert line.method("eval") == line
    assert [m["type"] for m in line.modules()] == ["Line", "Linear"]
    grads = line.grad(x, params=True).param_grads[0]
    assert set(grads) == {"fc.weight", "fc.bias"} and torch.equal(grads["fc.bias"], torch.tensor([2.0]))


def test_trusted_builds_and_student_functions_as_arguments(toy):
    linear = toy.build("torch.nn.Linear", 3, 2)
    assert linear.get("weight").shape == (2, 3)
    with pytest.raises(RuntimeError, match="cannot build"):
        toy.build("torch.nn.NoSuchLayer")


def test_a_torch_op_of_a_library_not_yet_imported_is_watched(toy_module):
    source = TOY + "\n\ndef suppress(boxes, scores):\n    import torchvision\n    return torchvision.ops.nms(boxes, scores, 0.5)\n"
    sub = open_submission(toy_module(source), "toy", isolated=True, call_timeout=60,
                          reference_calls={"suppress": ["torch.ops.torchvision.nms"]})
    try:
        with pytest.raises(ReferenceCallError, match="called torch.ops.torchvision.nms"):
            sub.call("suppress", torch.tensor([[0.0, 0.0, 1.0, 1.0]]), torch.tensor([1.0]))
    finally:
        sub.close()


def test_seeding_repeats_every_generator_a_call_draws_from():
    from cvgrade.sandbox.server import seed_everything

    draws = []
    for _ in range(2):
        seed_everything()
        draws.append((random.random(), np.random.rand(), torch.rand(3)))
    assert draws[0][:2] == draws[1][:2] and torch.equal(draws[0][2], draws[1][2])


def test_shared_builds_once_per_process_and_again_after_a_restart(toy_module):
    sub = open_submission(toy_module(TOY), "toy", isolated=True, call_timeout=3)
    try:
        first = sub.shared("torch.nn.Linear", 3, 2)
        assert sub.shared("torch.nn.Linear", 3, 2) == first and sub.shared("torch.nn.Linear", 3, 4) != first
        with pytest.raises(SubmissionCrashed):
            sub.call("leave")
        again = sub.shared("torch.nn.Linear", 3, 2)
        assert again != first and again.get("weight").shape == (2, 3)
    finally:
        sub.close()


def test_timeout_loses_the_call_and_nothing_else(toy):
    with pytest.raises(CallTimeout, match="toy.loop did not return within 3 s"):
        toy.call("loop")
    assert toy.call("add", 1, 2) == 3


def test_seeded_before_every_call(toy):
    first = toy.build("torch.nn.Linear", 3, 2).state_dict()
    second = toy.build("torch.nn.Linear", 3, 2).state_dict()
    assert torch.equal(first["weight"], second["weight"])


def test_exit_in_isolated_child_is_a_crash_and_the_next_call_restarts(toy_module):
    sub = open_submission(toy_module(TOY), "toy", isolated=True, call_timeout=3)
    handle = sub.new("Line", 2)
    with pytest.raises(SubmissionCrashed, match="exited with status 3"):
        sub.call("leave")
    assert sub.call("add", 1, 2) == 3
    with pytest.raises(SubmissionCrashed, match="lost when the submission's process restarted"):
        handle(torch.ones(1, 2))
    sub.close()


@pytest.mark.parametrize("isolated", MODES)
@pytest.mark.parametrize("source, pattern", [
    (None, "toy.py is missing from the submission"),
    ("def broken(:\n", "SyntaxError"),
    ("import sys\nsys.exit(0)\n", "SystemExit|exited"),
    ("raise RuntimeError('no')\n", "RuntimeError: no"),
])
def test_import_failures_fail_every_call_with_the_reason(toy_module, tmp_path, isolated, source, pattern):
    path = toy_module(source) if source is not None else tmp_path / "toy.py"
    sub = open_submission(path, "toy", isolated=isolated, call_timeout=3)
    for _ in range(2):
        with pytest.raises(SubmissionImportError, match=pattern):
            sub.call("add", 1, 2)
    sub.close()
