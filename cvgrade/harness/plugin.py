"""The cvgrade pytest plugin: the `points` marker, the `submission` and `device` fixtures, scores and reports.

Registered through the `pytest11` entry point, so any pytest run in an
environment with cvgrade installed has it; it imports nothing heavy until a
grader asks for a fixture.
"""

from __future__ import annotations

import pytest

from cvgrade import paths
from cvgrade.harness import report
from cvgrade.harness.submission import open_submission

DEFAULT_CALL_TIMEOUT_S = 10.0


def pytest_addoption(parser):
    group = parser.getgroup("cvgrade", "grading with cvgrade")
    group.addoption("--submission", default="solutions",
                    help="code to grade: 'solutions', 'stubs' (the generated release) or a folder of <topic>.py files")
    group.addoption("--isolation", choices=("in-process", "isolated"), default="in-process",
                    help="run student code in this process (fast, trusted code) or in a child process (untrusted)")
    group.addoption("--device", choices=("cpu", "cuda"), default=None,
                    help="device for torch graders (default: cuda when available)")
    group.addoption("--call-timeout", type=float, default=None,
                    help=f"seconds one call into the submission may take (default: the grader's, else {DEFAULT_CALL_TIMEOUT_S:g})")
    group.addoption("--report", default=None, help="write a JSON grading report to this path")


def pytest_configure(config):
    config.addinivalue_line("markers", "points(n): the points a graded test earns when it passes")
    config.pluginmanager.register(report.ScoreKeeper(config), "cvgrade-scorekeeper")


@pytest.fixture(scope="module")
def submission(request):
    """The code under test for this grader module's TOPIC (see docs/writing-graders.md)."""
    module = request.module
    topic = getattr(module, "TOPIC", None)
    if not isinstance(topic, str):
        raise pytest.UsageError(f"{module.__name__} uses the submission fixture but sets no TOPIC string")
    config = request.config
    root = paths.course_root(config.rootpath)
    folder = paths.submission_folder(root, config.getoption("submission"))
    timeout = config.getoption("call_timeout") or getattr(module, "CALL_TIMEOUT_S", DEFAULT_CALL_TIMEOUT_S)
    sub = open_submission(folder / f"{topic}.py", topic,
                          isolated=config.getoption("isolation") == "isolated",
                          reference_calls=getattr(module, "REFERENCE_CALLS", {}),
                          deny_imports=getattr(module, "DENY_IMPORTS", ()),
                          call_timeout=timeout)
    yield sub
    sub.close()


@pytest.fixture(scope="session")
def device(request):
    """`torch.device` the graders put inputs on: --device, else cuda when available. TF32 is switched off."""
    import torch

    name = request.config.getoption("device") or ("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise pytest.UsageError("--device cuda was asked for, but torch sees no CUDA device")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    request.config.stash[report.DEVICE_KEY] = name
    return torch.device(name)

