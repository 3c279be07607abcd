"""Scratch folders: a grading process's temporary folders never outlive it, even when it or a worker is killed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from cvgrade.sandbox import scratch

HOLD = "from cvgrade.sandbox import scratch; print(scratch.folder(), flush=True); import time; time.sleep(120)"


def _python(code: str, tmp_dir, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], env=dict(os.environ, TMPDIR=str(tmp_dir)),
                            stdout=subprocess.PIPE, text=True, **kwargs)


def test_a_killed_process_leaves_its_folder_to_the_next_one_which_keeps_the_living(tmp_path):
    killed, living = _python(HOLD, tmp_path), _python(HOLD, tmp_path)
    killed_folder, living_folder = killed.stdout.readline().strip(), living.stdout.readline().strip()
    (tmp_path / "not-ours").mkdir()
    killed.kill()
    killed.wait()
    assert os.path.isdir(killed_folder), "SIGKILL leaves no chance to clean up"
    done = subprocess.run([sys.executable, "-c", "from cvgrade.sandbox import scratch; print(scratch.folder())"],
                          env=dict(os.environ, TMPDIR=str(tmp_path)), capture_output=True, text=True, check=True)
    try:
        assert not os.path.exists(killed_folder), "the next process did not sweep a dead process's folder"
        assert os.path.isdir(living_folder), "a living process's folder was swept"
        assert not os.path.exists(done.stdout.strip()), "a process did not remove its own folder at exit"
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["not-ours", os.path.basename(living_folder)])
    finally:
        living.kill()
        living.wait()


def test_folders_made_unwritable_by_their_owner_are_removed():
    folder = scratch.folder() / "student"
    (folder / "locked" / "deeper").mkdir(parents=True)
    (folder / "locked" / "deeper" / "file").write_text("x")
    (folder / "locked").chmod(0)
    scratch.remove_tree(folder)
    assert not folder.exists()


WORKER_KILLED_MID_SESSION = """
import json, os, signal, sys, threading, time
from pathlib import Path
from cvgrade.harness import workers
from cvgrade.sandbox import scratch

root, submission, logs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
ours = scratch.folder()
worker = workers.Worker()
killed = []

def kill_once_its_child_runs():
    deadline = time.monotonic() + 300
    while not killed and time.monotonic() < deadline:
        zygotes = list(ours.glob("cvgrade-run-*/cvgrade-zygote-*"))
        if zygotes:
            killed.append(zygotes[0].parent)
            os.killpg(worker.process.pid, signal.SIGKILL)
        time.sleep(0.1)

threading.Thread(target=kill_once_its_child_runs, daemon=True).start()
report = workers.grade_topic_warm(worker, root, "image_filtering", submission, isolated=True)
worker.run(["--version"], root, logs / "version.log")  # a fresh worker sweeps the killed one's folder
print(json.dumps({"status": report["status"], "killed_left": killed[0].exists(),
                  "folders": [p.name.split("-")[1] for p in ours.iterdir()]}), flush=True)
worker.stop()
"""


@pytest.mark.slow
def test_a_worker_killed_mid_session_leaves_nothing_once_its_batch_ends(tmp_path, root):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "image_filtering.py").write_text("import time\ntime.sleep(300)\n")
    batch_tmp = tmp_path / "tmp"
    batch_tmp.mkdir()
    done = subprocess.run([sys.executable, "-c", WORKER_KILLED_MID_SESSION, str(root), str(submission), str(tmp_path)],
                          env=dict(os.environ, TMPDIR=str(batch_tmp)), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout) == {"status": "error", "killed_left": False, "folders": ["run"]}, done.stdout
    assert list(batch_tmp.iterdir()) == [], "the batch left temporary folders behind"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _processes_in(batch_tmp):
        time.sleep(0.2)
    assert _processes_in(batch_tmp) == [], "a zygote or child of the killed worker outlived its batch"


def _processes_in(folder) -> list[str]:
    """Pids of processes whose command line or working folder mentions `folder`."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                cmdline = open(f"/proc/{entry.name}/cmdline", "rb").read()
                if str(folder).encode() in cmdline or os.readlink(f"/proc/{entry.name}/cwd").startswith(str(folder)):
                    found.append(entry.name)
            except OSError:
                pass
    return found
