"""The warm pool: children forked from a zygote are fresh, confined, and leave nothing to the next student."""

import os

import pytest

from cvgrade import zygote
from cvgrade.errors import SubmissionCrashed
from cvgrade.submission import ZYGOTE_ENV, open_submission

WRITER = '''
import os, tempfile

def leave_traces():
    for folder in (os.getcwd(), tempfile.gettempdir(), os.path.expanduser("~")):
        with open(os.path.join(folder, "secret.txt"), "w") as f:
            f.write("answer of student A")
    global STATE
    STATE = "student A"
    return os.getpid()
'''

READER = '''
import os, sys, tempfile

def look_for_traces():
    found = [os.path.join(folder, "secret.txt") for folder in (os.getcwd(), tempfile.gettempdir(), os.path.expanduser("~"))
             if os.path.exists(os.path.join(folder, "secret.txt"))]
    return found, "STATE" in vars(sys.modules["toy"]), os.getpid()

def crash():
    import ctypes
    ctypes.string_at(0)
'''


@pytest.fixture(autouse=True)
def warm_pool(monkeypatch):
    monkeypatch.setenv(ZYGOTE_ENV, "1")
    zygote.close_all()
    yield
    zygote.close_all()


def test_the_next_student_finds_nothing_of_the_previous_one(toy_module, tmp_path):
    first = open_submission(toy_module(WRITER), "toy", isolated=True, call_timeout=10)
    writer_pid = first.call("leave_traces")
    first.close()
    (tmp_path / "toy.py").write_text(READER)
    second = open_submission(tmp_path / "toy.py", "toy", isolated=True, call_timeout=10)
    found, has_state, reader_pid = second.call("look_for_traces")
    second.close()
    assert found == [] and not has_state
    assert reader_pid != writer_pid
    assert len([z for zs in zygote._POOL.values() for z in zs]) == 1, "both children should come from one zygote"


def test_a_crash_kills_the_child_not_the_zygote(toy_module):
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    with pytest.raises(SubmissionCrashed, match="segmentation fault"):
        sub.call("crash")
    assert sub.call("look_for_traces")[0] == []
    sub.close()
    assert all(z.alive() for zs in zygote._POOL.values() for z in zs)


def test_preload_follows_the_submission_imports():
    assert zygote.preload_for("import torch\nfrom timm.layers import PatchEmbed\nimport os\n") == ("numpy", "torch", "timm")
    assert zygote.preload_for("def broken(:\n") == ("numpy",)
    assert zygote.preload_for("import torch\n", also=("open_clip.loss.ClipLoss", "os.getcwd", "cv2.Sobel")) == (
        "numpy", "torch", "cv2", "open_clip.loss")
    assert zygote.preload_for(None) == ("numpy",)


def test_a_dead_zygote_is_replaced(toy_module):
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    sub.call("look_for_traces")
    sub.close()
    (old,) = [z for zs in zygote._POOL.values() for z in zs]
    os.killpg(old.process.pid, 9)
    old.process.wait()
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    assert sub.call("look_for_traces")[0] == []
    sub.close()
