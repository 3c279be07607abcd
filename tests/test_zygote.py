"""The warm pool: children forked from a zygote are fresh, confined, and leave nothing to the next student."""

import os
import time
from pathlib import Path

import pytest

from cvgrade.errors import SubmissionCrashed, SubmissionImportError
from cvgrade.harness.submission import ZYGOTE_ENV, open_submission
from cvgrade.sandbox import landlock, isolation, zygote

MODES = ["landlock", "bwrap"] if isolation._bwrap_problem() is None else ["landlock"]

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


@pytest.fixture(autouse=True, params=MODES if landlock.abi() else ["rlimits"])
def warm_pool(monkeypatch, request):
    """The warm pool in each sandbox mode with Landlock this machine has (bwrap only where it works)."""
    monkeypatch.setenv(ZYGOTE_ENV, "1")
    monkeypatch.setenv(isolation.SANDBOX_ENV, request.param)
    isolation.mode.cache_clear()
    zygote.close_all()
    yield request.param
    zygote.close_all()
    isolation.mode.cache_clear()


def _zygotes() -> list[zygote.Zygote]:
    return [z for zs in zygote._POOL.values() for z in zs]


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


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
    assert len(_zygotes()) == 1, "both children should come from one zygote"


def test_a_crash_kills_the_child_not_the_zygote(toy_module):
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    with pytest.raises(SubmissionCrashed, match="segmentation fault"):
        sub.call("crash")
    assert sub.call("look_for_traces")[0] == []
    sub.close()
    assert all(z.alive() for z in _zygotes())


def test_preload_follows_the_submission_imports_but_never_a_denied_module():
    assert zygote.preload_for("import torch\nfrom timm.layers import PatchEmbed\nimport os\n") == ("numpy", "torch", "timm")
    assert zygote.preload_for("import cv2, torch\n", deny_imports=("cv2",)) == ("numpy", "torch")
    assert zygote.preload_for("def broken(:\n") == ("numpy",)
    assert zygote.preload_for("import torch\n", also=("open_clip.loss.ClipLoss", "os.getcwd", "cv2.Sobel")) == (
        "numpy", "torch", "cv2.Sobel", "open_clip.loss.ClipLoss")
    assert zygote.preload_for(None) == ("numpy",)


def test_the_zygote_keeps_only_what_it_needs_to_fork_and_wipe(toy_module):
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    sub.call("look_for_traces")
    (warm,) = _zygotes()
    status = _status(warm.process.pid)
    sub.close()
    assert status["NoNewPrivs"].strip() == "1" and status["Seccomp"].strip() == "0"
    if isolation.child_identity() is not None:  # the machine's root outside bubblewrap
        kept = sum(1 << cap for cap in isolation._ZYGOTE_CAPABILITIES)
        assert int(status["CapEff"], 16) == int(status["CapBnd"], 16) == kept
        assert status["Uid"].split()[0] == "0"
    else:
        assert int(status["CapEff"], 16) == 0


def test_a_zygote_for_a_topic_that_denies_cv2_never_imported_it(toy_module):
    """Had its zygote imported cv2 (or been the zygote of another topic), the child would find it in sys.modules."""
    source = "import cv2\nimport sys\n\ndef loaded():\n    return 'cv2' in sys.modules\n"
    plain = open_submission(toy_module(source), "toy", isolated=True, call_timeout=30)
    assert plain.call("loaded") is True
    plain.close()
    denying = open_submission(toy_module(source), "toy", isolated=True, deny_imports=["cv2"], call_timeout=30)
    with pytest.raises(SubmissionImportError, match="cv2 is not available for this topic"):
        denying.call("loaded")
    denying.close()
    assert sorted(key[1:] for key in zygote._POOL) == [((),), (("cv2",),)]


def test_a_zygote_grows_to_serve_a_submission_that_needs_more_libraries(toy_module):
    plain = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    plain.call("look_for_traces")
    plain.close()
    (warm,) = _zygotes()
    assert "scipy" not in warm.loaded
    source = ("import sys\nFORKED_WITH_SCIPY = 'scipy' in sys.modules\nimport scipy\n\n"
              "def loaded():\n    return FORKED_WITH_SCIPY\n")
    more = open_submission(toy_module(source), "toy", isolated=True, call_timeout=30)
    assert more.call("loaded") is True, "the child was forked before its zygote loaded what it needs"
    more.close()
    assert _zygotes() == [warm] and "scipy" in warm.loaded


def test_closing_a_submission_does_not_wait_for_its_child_to_exit(toy_module):
    """The exit status is read when the zygote is next needed: the next submission gets a fresh child from it."""
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    pid = sub.call("look_for_traces")[2]
    sub.close()
    (warm,) = _zygotes()
    assert warm.killing and warm.busy
    again = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    found, _, second_pid = again.call("look_for_traces")
    assert (found, _zygotes(), warm.killing) == ([], [warm], False) and second_pid != pid
    again.close()


def test_a_kill_that_crosses_the_childs_own_exit_leaves_the_zygote_serving(toy_module):
    """The child ends by itself (SIGALRM) after its reply; the grading process, not having looked, asks for a kill."""
    source = "import signal\n\ndef end_soon():\n    signal.setitimer(signal.ITIMER_REAL, 0.05)\n"
    sub = open_submission(toy_module(source), "toy", isolated=True, call_timeout=10)
    sub.call("end_soon")
    time.sleep(0.5)  # ten times the timer: the zygote has reported the exit, which nobody reads before the kill
    sub.close()
    (warm,) = _zygotes()
    again = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    assert again.call("look_for_traces")[0] == []
    again.close()
    assert _zygotes() == [warm] and warm.alive()


def test_a_dead_zygote_is_replaced(toy_module):
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    sub.call("look_for_traces")
    sub.close()
    (old,) = _zygotes()
    os.killpg(old.process.pid, 9)
    old.process.wait()
    sub = open_submission(toy_module(READER), "toy", isolated=True, call_timeout=10)
    assert sub.call("look_for_traces")[0] == []
    sub.close()


def test_loading_a_name_loads_lazy_submodules_and_first_use_imports(tmp_path):
    """What children reach on first use is loaded before the fork: else every child pays it again."""
    import subprocess
    import sys

    probe = ("import sys\nimport numpy, skimage.feature\nfrom cvgrade.sandbox import zygote\n"
             "before = 'numpy.random' in sys.modules, 'skimage.feature.peak' in sys.modules\n"
             "zygote.load('numpy'); zygote.load('skimage.feature.peak_local_max'); zygote.load('no_such_library.x')\n"
             "print(*before, 'numpy.random' in sys.modules, 'skimage.feature.peak' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.split() == ["False", "False", "True", "True"]
