"""The isolated child's sandbox: what it sees, what it may do, and how it is started."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cvgrade import sandbox, seccomp
from cvgrade.submission import open_submission

BWRAP_PROBLEM = sandbox._bwrap_problem()
needs_bwrap = pytest.mark.skipif(BWRAP_PROBLEM is not None, reason=f"bubblewrap unavailable: {BWRAP_PROBLEM}")

SPY = '''
import json, os, resource, socket, sys


def look(paths):
    """What this process can see and do, as plain data."""
    cwd_files = sorted(os.listdir("."))
    seen = {p: os.path.exists(p) for p in paths}
    writable = {}
    for folder in ("/usr", "/etc", sys.prefix, os.path.dirname(json.__file__), ".", "/tmp"):
        try:
            with open(os.path.join(folder, "cvgrade-probe"), "w") as f:
                f.write("x")
            writable[folder] = True
        except OSError:
            writable[folder] = False
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        inet = True
    except OSError:
        inet = False
    try:
        pid = os.fork()
    except OSError:
        forked = False
    else:
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        forked = True
    limits = {name: resource.getrlimit(getattr(resource, name))[0]
              for name in ("RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NPROC")}
    return {"seen": seen, "writable": writable, "inet": inet, "forked": forked, "limits": limits,
            "cwd_files": cwd_files, "pid": os.getpid(), "root": sorted(os.listdir("/"))}
'''


@pytest.fixture
def sandbox_mode(monkeypatch):
    """Set CVGRADE_SANDBOX for this test (the mode is cached per process)."""

    def use(mode: str) -> None:
        monkeypatch.setenv(sandbox.SANDBOX_ENV, mode)
        sandbox.mode.cache_clear()

    yield use
    sandbox.mode.cache_clear()


def _spy(tmp_path, root, extra_files=()):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "toy.py").write_text(SPY)
    for name in extra_files:
        (folder / name).write_text("import builtins; builtins.PLANTED = True\n")
    probes = [str(root / "graders"), str(root / "solutions"), str(root / "reference"), str(root / "tests"),
              str(root / "pyproject.toml"), str(tmp_path), "/root/.ssh", "/home"]
    sub = open_submission(folder / "toy.py", "toy", isolated=True, call_timeout=60)
    try:
        return sub.call("look", probes), probes
    finally:
        sub.close()


def test_mode_can_be_forced_to_rlimits_and_rejects_unknown_values(sandbox_mode, tmp_path):
    sandbox_mode("rlimits")
    assert sandbox.mode() == "rlimits"
    command = sandbox.child_command(tmp_path, "toy", "{}", 3, 4)
    assert command[:4] == [sys.executable, "-I", "-B", "-m"] and "bwrap" not in " ".join(command)
    sandbox_mode("chroot")
    with pytest.raises(ValueError, match="CVGRADE_SANDBOX must be auto, bwrap or rlimits"):
        sandbox.mode()


def test_limits_come_from_the_environment_and_reject_nonsense(monkeypatch):
    monkeypatch.setenv("CVGRADE_MEMORY_LIMIT_MB", "300")
    monkeypatch.setenv("CVGRADE_CPU_LIMIT_S", "7")
    limits = sandbox.Limits.from_env()
    assert (limits.memory_mb, limits.cpu_s, limits.file_mb) == (300, 7, sandbox.Limits().file_mb)
    assert json.loads(limits.to_json())["memory_mb"] == 300
    monkeypatch.setenv("CVGRADE_FILE_LIMIT_MB", "0")
    with pytest.raises(ValueError, match="CVGRADE_FILE_LIMIT_MB must be a positive integer"):
        sandbox.Limits.from_env()


@pytest.mark.skipif(seccomp.program() is None, reason="seccomp filter not available on this machine")
def test_seccomp_filter_stops_processes_and_inet_sockets_but_not_threads():
    script = textwrap.dedent("""
        import os, socket, subprocess, threading
        from cvgrade import seccomp
        assert seccomp.install()
        results = {}
        t = threading.Thread(target=results.setdefault, args=("thread", "ran")); t.start(); t.join()
        for name, attempt in (("fork", os.fork), ("subprocess", lambda: subprocess.run(["true"])),
                              ("inet", lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)),
                              ("unix", lambda: socket.socket(socket.AF_UNIX).close())):
            try:
                attempt()
                results[name] = "allowed"
            except OSError as exc:
                results[name] = type(exc).__name__
        print(results)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert eval(done.stdout) == {"thread": "ran", "fork": "PermissionError", "subprocess": "PermissionError",
                                 "inet": "PermissionError", "unix": "allowed"}


def test_rlimits_mode_applies_limits_and_a_clean_folder(sandbox_mode, monkeypatch, tmp_path, root):
    sandbox_mode("rlimits")
    monkeypatch.setenv("CVGRADE_MEMORY_LIMIT_MB", "900")
    seen, _ = _spy(tmp_path, root, extra_files=("conftest.py", "sitecustomize.py", "evil.pth"))
    assert seen["cwd_files"] == ["toy.py"]
    assert seen["limits"]["RLIMIT_DATA"] == 900 << 20
    assert seen["limits"]["RLIMIT_CPU"] == sandbox.Limits().cpu_s
    assert seen["limits"]["RLIMIT_FSIZE"] == sandbox.Limits().file_mb << 20
    assert seen["forked"] is False and seen["inet"] is False


@needs_bwrap
def test_bwrap_child_sees_no_course_and_cannot_write_the_system(sandbox_mode, tmp_path, root):
    sandbox_mode("bwrap")
    seen, probes = _spy(tmp_path, root, extra_files=("conftest.py", "sitecustomize.py", "evil.pth"))
    assert {p: seen["seen"][p] for p in probes} == {p: False for p in probes}
    assert seen["cwd_files"] == ["toy.py"]
    stdlib = os.path.dirname(json.__file__)
    assert seen["writable"] == {"/usr": False, "/etc": False, sys.prefix: False, stdlib: False, ".": True, "/tmp": True}
    assert seen["pid"] < 10, "the child should run in its own PID namespace"
    assert seen["forked"] is False and seen["inet"] is False
    assert sandbox.INSIDE_WORKDIR.strip("/") in seen["root"]


@needs_bwrap
def test_bwrap_binds_only_the_package_folder_of_the_repository(sandbox_mode, tmp_path, root):
    sandbox_mode("bwrap")
    command = sandbox.child_command(tmp_path, "toy", "{}", 3, 4)
    sources = [command[i + 1] for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind", "--ro-bind-try")]
    inside_repo = [s for s in sources if s == str(root) or s.startswith(str(root) + "/")]
    assert inside_repo == [str(root / "cvgrade")]
    assert ["--bind", str(tmp_path), sandbox.INSIDE_WORKDIR] == command[command.index("--bind"):][:3]
    for flag in ("--unshare-all", "--die-with-parent", "--cap-drop"):
        assert flag in command
