"""The isolated child's sandbox: what it sees, what it may do, who it runs as, and how it is started."""

from __future__ import annotations

import ctypes
import json
import os
import pwd
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from cvgrade.errors import SubmissionImportError
from cvgrade.harness.submission import ZYGOTE_ENV, open_submission
from cvgrade.sandbox import landlock, privileges, isolation, scratch, seccomp

BWRAP_PROBLEM = isolation._bwrap_problem()
needs_bwrap = pytest.mark.skipif(BWRAP_PROBLEM is not None, reason=f"bubblewrap unavailable: {BWRAP_PROBLEM}")
needs_landlock = pytest.mark.skipif(landlock.abi() < 1, reason="this kernel has no Landlock")
START = ["direct", "warm"]  # a child started on its own, or forked from a zygote

SPY = '''
import ctypes, json, os, resource, socket, sys


def look(paths):
    """What this process can see and do, as plain data."""
    def attempt(action):
        try:
            action()
            return True
        except OSError:
            return False

    def read(path):
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, "rb").close()

    cwd_files = sorted(os.listdir("."))
    writable = {}
    for folder in ("/usr", "/etc", sys.prefix, os.path.dirname(json.__file__), ".", "/tmp"):
        writable[folder] = attempt(lambda: open(os.path.join(folder, "cvgrade-probe"), "w").close())
    status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
    forked = attempt(lambda: os.waitpid(os.fork() or os._exit(0), 0))
    return {"seen": {p: os.path.exists(p) for p in paths}, "readable": {p: attempt(lambda: read(p)) for p in paths},
            "writable": writable, "forked": forked,
            "inet": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM)),
            "exec": attempt(lambda: os.execv("/bin/true", ["true"])),
            "limits": {name: resource.getrlimit(getattr(resource, name))[0]
                       for name in ("RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_NPROC")},
            "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(),
            "capabilities": {k: int(v, 16) for k, v in status.items() if k.startswith("Cap")},
            "dumpable": ctypes.CDLL(None).prctl(3, 0, 0, 0, 0),
            "cwd_files": cwd_files, "pid_namespace": os.readlink("/proc/self/ns/pid"), "root": sorted(os.listdir("/"))
                         if attempt(lambda: os.listdir("/")) else None}
'''


@pytest.fixture
def sandbox_mode(monkeypatch):
    """`use(mode, start)`: set CVGRADE_SANDBOX and the warm pool for this test (the mode is cached per process)."""

    def use(mode: str, start: str = "direct") -> None:
        monkeypatch.setenv(isolation.SANDBOX_ENV, mode)
        monkeypatch.setenv(ZYGOTE_ENV, "1" if start == "warm" else "0")
        isolation.mode.cache_clear()

    yield use
    isolation.mode.cache_clear()


def _probes(root, tmp_path) -> list[str]:
    return [str(root / "graders"), str(root / "solutions"), str(root / "reference"), str(root / "tests"),
            str(root / "pyproject.toml"), str(tmp_path), "/root/.ssh", "/home"]


def _spy(tmp_path, root, extra_files=()):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "toy.py").write_text(SPY)
    for name in extra_files:
        (folder / name).write_text("import builtins; builtins.PLANTED = True\n")
    probes = _probes(root, tmp_path)
    sub = open_submission(folder / "toy.py", "toy", isolated=True, call_timeout=60)
    try:
        return sub.call("look", probes), probes
    finally:
        sub.close()


def _expected_identity() -> tuple[int, int, int]:
    """uid, gid and capability mask a child of this process runs with (outside bubblewrap)."""
    identity = isolation.child_identity()
    if identity is None:
        return os.getuid(), os.getgid(), 0
    return identity.uid, identity.gid, (1 << privileges.CAP_DAC_READ_SEARCH) if identity.read_search else 0


def test_mode_can_be_forced_to_rlimits_and_rejects_unknown_values(sandbox_mode, tmp_path):
    sandbox_mode("rlimits")
    assert isolation.mode() == "rlimits" and isolation.landlock_abi() == 0
    command = isolation.child_command(tmp_path, "toy", "{}", 3, 4, isolation.confinement(tmp_path))
    assert command[:4] == [sys.executable, "-I", "-B", "-m"] and "bwrap" not in " ".join(command)
    assert json.loads(isolation.confinement(tmp_path, deny_imports=["cv2"])) == {
        **json.loads(isolation.confinement(tmp_path)), "deny_imports": []}, "rlimits mode cannot deny an import"
    sandbox_mode("chroot")
    with pytest.raises(ValueError, match="CVGRADE_SANDBOX must be one of auto, bwrap, landlock, rlimits"):
        isolation.mode()


def test_auto_falls_back_to_landlock_then_to_rlimits_with_a_warning(sandbox_mode, monkeypatch):
    monkeypatch.setattr(isolation, "_bwrap_problem", lambda: "bwrap is not installed")
    monkeypatch.setattr(landlock, "abi", lambda: 5)
    sandbox_mode("auto")
    described = isolation.describe()
    assert (described["mode"], described["landlock_abi"], described["warning"]) == ("landlock", 5, None)
    assert any("cannot scope signals" in note for note in described["notes"])
    monkeypatch.setattr(landlock, "abi", lambda: 0)
    sandbox_mode("auto")
    described = isolation.describe()
    assert (described["mode"], described["landlock_abi"]) == ("rlimits", 0)
    assert "NOT sandboxed" in described["warning"] and described["child_user"] in described["warning"]
    sandbox_mode("landlock")
    with pytest.raises(RuntimeError, match="this kernel has no Landlock"):
        isolation.mode()


def test_limits_come_from_the_environment_and_reject_nonsense(monkeypatch, tmp_path):
    monkeypatch.setenv("CVGRADE_MEMORY_LIMIT_MB", "300")
    monkeypatch.setenv("CVGRADE_CPU_LIMIT_S", "7")
    limits = isolation.Limits.from_env()
    assert (limits.memory_mb, limits.cpu_s, limits.file_mb) == (300, 7, isolation.Limits().file_mb)
    assert json.loads(isolation.confinement(tmp_path))["limits"]["memory_mb"] == 300
    assert json.loads(isolation.confinement(tmp_path, layer="zygote"))["limits"] is None
    monkeypatch.setenv("CVGRADE_FILE_LIMIT_MB", "0")
    with pytest.raises(ValueError, match="CVGRADE_FILE_LIMIT_MB must be a positive integer"):
        isolation.Limits.from_env()


@pytest.mark.skipif(seccomp.program() is None, reason="seccomp filter not available on this machine")
def test_seccomp_filter_stops_processes_programs_and_inet_sockets_but_not_threads():
    script = textwrap.dedent("""
        import os, socket, subprocess, threading
        from cvgrade.sandbox import seccomp
        assert seccomp.install()
        results = {}
        t = threading.Thread(target=results.setdefault, args=("thread", "ran")); t.start(); t.join()
        for name, attempt in (("fork", os.fork), ("subprocess", lambda: subprocess.run(["true"])),
                              ("exec", lambda: os.execv("/bin/true", ["true"])),
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
                                 "exec": "PermissionError", "inet": "PermissionError", "unix": "allowed"}


@needs_landlock
def test_landlock_refuses_a_process_with_other_threads(tmp_path):
    script = textwrap.dedent(f"""
        import threading, time
        from cvgrade.sandbox import landlock
        threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
        try:
            landlock.restrict([({str(tmp_path)!r}, "write")])
        except RuntimeError as error:
            print(error)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "the process has 2 threads" in done.stdout, done.stderr


def test_unreachable_follows_permission_bits_of_every_folder_on_the_way():
    base = Path(tempfile.mkdtemp(dir=scratch.folder()))  # its parents let anyone pass
    base.chmod(0o755)
    private, public = base / "private", base / "public"
    (private / "inside").mkdir(parents=True, mode=0o755)
    (public / "inside").mkdir(parents=True, mode=0o755)
    private.chmod(0o700)
    public.chmod(0o755)
    stranger = 65534 if os.getuid() != 65534 else 65533
    assert privileges.unreachable(stranger, stranger, [str(private / "inside"), str(public / "inside"),
                                                       str(base / "missing")]) == [str(private / "inside")]
    assert privileges.unreachable(os.getuid(), os.getgid(), [str(private / "inside")]) == []


def test_rlimits_mode_applies_limits_and_a_clean_folder(sandbox_mode, monkeypatch, tmp_path, root):
    sandbox_mode("rlimits")
    monkeypatch.setenv("CVGRADE_MEMORY_LIMIT_MB", "900")
    seen, _ = _spy(tmp_path, root, extra_files=("conftest.py", "sitecustomize.py", "evil.pth"))
    assert seen["cwd_files"] == ["toy.py"]
    assert seen["limits"]["RLIMIT_DATA"] == 900 << 20
    assert seen["limits"]["RLIMIT_CPU"] == isolation.Limits().cpu_s
    assert seen["limits"]["RLIMIT_FSIZE"] == isolation.Limits().file_mb << 20
    assert seen["forked"] is False and seen["inet"] is False and seen["exec"] is False
    uid, gid, capabilities = _expected_identity()
    assert (seen["uid"], seen["gid"], seen["capabilities"]["CapEff"], seen["dumpable"]) == (uid, gid, capabilities, 0)


@needs_landlock
@pytest.mark.parametrize("start", START)
def test_landlock_child_reads_only_python_and_writes_only_its_folder(sandbox_mode, tmp_path, root, start):
    sandbox_mode("landlock", start)
    seen, probes = _spy(tmp_path, root, extra_files=("conftest.py", "sitecustomize.py", "evil.pth"))
    assert seen["readable"] == {p: False for p in probes}, "the child read the course, a home or the test's folder"
    assert seen["root"] is None, "the child listed /"
    stdlib = os.path.dirname(json.__file__)
    assert seen["writable"] == {"/usr": False, "/etc": False, sys.prefix: False, stdlib: False, ".": True, "/tmp": False}
    assert seen["cwd_files"] == ["toy.py"]
    assert seen["forked"] is False and seen["inet"] is False and seen["exec"] is False
    uid, gid, capabilities = _expected_identity()
    assert (seen["uid"], seen["gid"], seen["groups"]) == (uid, gid, [] if isolation.child_identity() else os.getgroups())
    assert {k: seen["capabilities"][k] for k in ("CapEff", "CapPrm", "CapInh", "CapAmb")} == {
        "CapEff": capabilities, "CapPrm": capabilities, "CapInh": 0, "CapAmb": 0}
    if isolation.child_identity() is not None:
        assert seen["capabilities"]["CapBnd"] == capabilities, "the bounding set still holds capabilities"
    assert seen["dumpable"] == 0


OTHER_USER = next((name for name in ("daemon", "bin", "sys") if name in {e.pw_name for e in pwd.getpwall()}), None)


@pytest.mark.skipif(not privileges.machine_root(), reason="only the machine's root can make children another user")
@pytest.mark.skipif(OTHER_USER is None, reason="no system user besides nobody (daemon, bin, sys) on this machine")
@needs_landlock
def test_child_user_is_configurable_and_never_root(sandbox_mode, monkeypatch, tmp_path, root):
    sandbox_mode("landlock")
    monkeypatch.setenv(privileges.CHILD_USER_ENV, "root")
    with pytest.raises(ValueError, match="must run as an unprivileged user"):
        isolation.child_identity()
    monkeypatch.setenv(privileges.CHILD_USER_ENV, "no-such-user-cvgrade")
    with pytest.raises(ValueError, match="there is no such user"):
        isolation.child_identity()
    monkeypatch.setenv(privileges.CHILD_USER_ENV, OTHER_USER)
    seen, _ = _spy(tmp_path, root)
    assert seen["uid"] == pwd.getpwnam(OTHER_USER).pw_uid != 0


def test_the_cli_warns_loudly_when_children_are_not_sandboxed(sandbox_mode, capsys):
    from cvgrade import cli

    sandbox_mode("rlimits")
    cli._warn_if_not_sandboxed()
    assert capsys.readouterr().err.startswith("WARNING: student code is NOT sandboxed")
    if landlock.abi():
        sandbox_mode("landlock")
        cli._warn_if_not_sandboxed()
        assert capsys.readouterr().err == ""


REACH_OUT = '''
import os, socket


def reach_out(name, pid):
    """Whether this process can connect to the abstract UNIX socket `name` and signal process `pid`."""
    reached = {}
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(b"\\0" + name.encode())
        reached["abstract socket"] = True
    except OSError:
        reached["abstract socket"] = False
    try:
        os.kill(pid, 0)
        reached["signal"] = True
    except OSError:
        reached["signal"] = False
    return reached
'''


@pytest.mark.skipif(landlock.abi() < 6, reason="Landlock ABI 6 (signal and abstract-socket scoping) is not in this kernel")
@pytest.mark.parametrize("mode", ["rlimits", "landlock"])
def test_landlock_scopes_signals_and_abstract_sockets_to_the_child(sandbox_mode, toy_module, mode):
    sandbox_mode(mode, "warm")
    name = f"cvgrade-test-{os.getpid()}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(b"\0" + name.encode())
    listener.listen()
    sub = open_submission(toy_module(REACH_OUT), "toy", isolated=True, call_timeout=30)
    try:
        reached = sub.call("reach_out", name, os.getpid())
    finally:
        sub.close()
        listener.close()
    if mode == "landlock":
        assert reached == {"abstract socket": False, "signal": False}
    else:  # the control: without Landlock an abstract socket has no owner, and a child of the same user may signal
        assert reached == {"abstract socket": True, "signal": isolation.child_identity() is None}


DENIED = '''
import sys


def reach_cv2():
    """Every way a student could get at OpenCV; what each one raised."""
    outcomes = {}
    try:
        import cv2  # noqa: F401
        outcomes["import"] = "imported"
    except Exception as error:
        outcomes["import"] = f"{type(error).__name__}: {error}"
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "DeniedImports"]
    sys.modules.pop("cv2", None)
    try:
        import cv2  # noqa: F401,F811
        outcomes["past the finder"] = "imported"
    except Exception as error:
        outcomes["past the finder"] = type(error).__name__
    import ctypes, glob
    libraries = glob.glob(CV2_FILES + "/**/*.so*", recursive=True)
    try:
        ctypes.CDLL(libraries[0])
        outcomes["ctypes"] = "loaded"
    except OSError:
        outcomes["ctypes"] = "refused"
    return outcomes
'''


@needs_landlock
@pytest.mark.parametrize("mode", ["landlock", pytest.param("bwrap", marks=needs_bwrap)])
@pytest.mark.parametrize("start", START)
def test_a_denied_import_is_out_of_reach_with_a_clear_message(sandbox_mode, toy_module, mode, start):
    import cv2

    sandbox_mode(mode, start)
    cv2_folder = os.path.dirname(cv2.__file__)
    at_import = open_submission(toy_module("import cv2\n"), "toy", isolated=True, deny_imports=["cv2"], call_timeout=60)
    with pytest.raises(SubmissionImportError, match="cv2 is not available for this topic"):
        at_import.call("anything")
    at_import.close()
    sub = open_submission(toy_module(DENIED.replace("CV2_FILES", repr(cv2_folder))), "toy", isolated=True,
                          deny_imports=["cv2"], call_timeout=60)
    try:
        outcomes = sub.call("reach_cv2")
    finally:
        sub.close()
    assert outcomes["import"].startswith("ModuleNotFoundError: cv2 is not available for this topic")
    assert outcomes["past the finder"] == "PermissionError" and outcomes["ctypes"] == "refused"


@needs_landlock
def test_hidden_module_files_are_the_package_and_its_bundled_libraries():
    import cv2

    hidden = isolation._module_files(("cv2",))
    package = os.path.dirname(os.path.realpath(cv2.__file__))
    site_packages = os.path.dirname(package)
    wheel = {os.path.join(site_packages, e) for e in os.listdir(site_packages) if e.startswith("opencv_python")}
    assert any(path.endswith(".libs") for path in wheel), "the pinned OpenCV wheel bundles its shared libraries"
    assert set(hidden) == {package} | wheel
    rules = isolation._readable_except(site_packages, hidden)
    granted = {path for path, kind in rules if kind == "read"}
    assert (site_packages, "list") in rules and not granted & set(hidden)
    assert os.path.join(site_packages, "numpy") in granted


@needs_bwrap
@pytest.mark.parametrize("start", START)
def test_bwrap_child_sees_no_course_and_cannot_write_the_system(sandbox_mode, tmp_path, root, start):
    sandbox_mode("bwrap", start)
    seen, probes = _spy(tmp_path, root, extra_files=("conftest.py", "sitecustomize.py", "evil.pth"))
    assert {p: seen["seen"][p] for p in probes} == {p: False for p in probes}
    assert seen["cwd_files"] == ["toy.py"]
    stdlib = os.path.dirname(json.__file__)
    assert seen["writable"] == {"/usr": False, "/etc": False, sys.prefix: False, stdlib: False, ".": True, "/tmp": True}
    assert seen["pid_namespace"] != os.readlink("/proc/self/ns/pid"), "the child should run in its own PID namespace"
    assert seen["forked"] is False and seen["inet"] is False and seen["exec"] is False
    assert seen["capabilities"]["CapEff"] == 0 and seen["dumpable"] == 0
    assert seen["root"] is None if landlock.abi() else isolation.INSIDE_WORKDIR.strip("/") in seen["root"]


@needs_bwrap
def test_bwrap_binds_only_the_package_folder_of_the_repository(sandbox_mode, tmp_path, root):
    sandbox_mode("bwrap")
    command = isolation.child_command(tmp_path, "toy", "{}", 3, 4, isolation.confinement(tmp_path))
    sources = [command[i + 1] for i, arg in enumerate(command) if arg in ("--ro-bind", "--bind", "--ro-bind-try")]
    inside_repo = [s for s in sources if s == str(root) or s.startswith(str(root) + "/")]
    assert inside_repo == [str(root / "cvgrade")]
    assert ["--bind", str(tmp_path), isolation.INSIDE_WORKDIR] == command[command.index("--bind"):][:3]
    for flag in ("--unshare-all", "--die-with-parent", "--cap-drop"):
        assert flag in command


def test_child_folders_are_reachable_by_the_child_user_only(sandbox_mode):
    sandbox_mode("rlimits")
    folder = isolation.own_folder("cvgrade-probe-")
    uid, gid, _ = _expected_identity()
    info = folder.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, gid, 0o700)
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o711, "the scratch folder must let the child pass"
    folder.rmdir()


def test_the_spy_reads_dumpable_as_the_kernel_sets_it():
    """PR_GET_DUMPABLE is 1 in an ordinary process: the spy's reading of 0 in a child means something."""
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 1
