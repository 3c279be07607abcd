"""How the isolated child process that runs a submission is started.

Every child runs `python -I` (no user site, no PYTHON* variables, no current
directory on sys.path) in a fresh folder that holds only the student's
`<topic>.py`, with a minimal environment, in its own process group, and applies
`Limits` to itself (resource limits, then a seccomp filter: no new processes, no
network sockets; see `cvgrade.seccomp`) before it imports the student's module.

Where bubblewrap works (`mode() == "bwrap"`), the child also runs in a private
mount, PID, network, IPC and UTS namespace with no capabilities. It sees,
read-only: /usr, /lib*, /bin, /sbin, a few files of /etc, the Python installation
(prefix, base prefix, site-packages) and the grading process's own `cvgrade`
package directory, bound alone at /opt/cvgrade/cvgrade and put first on the
child's sys.path (never the repository or course that holds it); read-write: its own
folder (at /submission) and an empty private /tmp; everything else is read-only. It does not see the course
(graders, solutions, references, tests), reports, gradebooks or other
students' folders. `/dev/nvidia*` are bound when present (GPU grading).

Without bubblewrap (`mode() == "rlimits"`), the child sees the whole filesystem
with the grader's permissions; only the resource limits and the seccomp filter
hold. `CVGRADE_SANDBOX=rlimits` forces that mode, `CVGRADE_SANDBOX=bwrap` fails
loudly when bubblewrap does not work.
"""

from __future__ import annotations

import functools
import glob
import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import cvgrade

SANDBOX_ENV = "CVGRADE_SANDBOX"            # auto (default) | bwrap | rlimits
EXTRA_READ_ENV = "CVGRADE_SANDBOX_READ"    # os.pathsep-separated extra read-only paths (model caches)
INSIDE_WORKDIR = "/submission"
PACKAGE_MOUNT = "/opt/cvgrade"  # inside bubblewrap: a folder holding only the cvgrade package
_PASSED_ENV = ("PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf",
              "alternatives", "os-release")
_MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-child resource limits; each can be set by an environment variable of the grading process.

    `memory_mb` bounds the child's data segment and private writable mappings
    (RLIMIT_DATA), not its address space, so CUDA's large reservations still
    work. `processes` (RLIMIT_NPROC) counts every process and thread of the
    user and does not bind root; the seccomp filter is what stops forks.
    """

    cpu_s: int = 900           # CVGRADE_CPU_LIMIT_S: CPU seconds for the child's whole life (one topic)
    memory_mb: int = 4096      # CVGRADE_MEMORY_LIMIT_MB
    file_mb: int = 256         # CVGRADE_FILE_LIMIT_MB: largest file the child may write (its output log too)
    processes: int = 4096      # CVGRADE_NPROC_LIMIT
    no_fork_no_net: bool = True

    @classmethod
    def from_env(cls) -> "Limits":
        def number(var: str, default: int) -> int:
            raw = os.environ.get(var)
            if raw is None:
                return default
            value = int(raw)
            if value <= 0:
                raise ValueError(f"{var} must be a positive integer, got {raw!r}")
            return value

        base = cls()
        return cls(cpu_s=number("CVGRADE_CPU_LIMIT_S", base.cpu_s),
                   memory_mb=number("CVGRADE_MEMORY_LIMIT_MB", base.memory_mb),
                   file_mb=number("CVGRADE_FILE_LIMIT_MB", base.file_mb),
                   processes=number("CVGRADE_NPROC_LIMIT", base.processes))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def apply_limits(limits_json: str) -> None:
    """Apply `Limits` (as JSON) to the calling process: resource limits, then the seccomp filter."""
    import resource

    from cvgrade import seccomp

    limits = Limits(**json.loads(limits_json))
    for kind, value in ((resource.RLIMIT_CPU, limits.cpu_s), (resource.RLIMIT_DATA, limits.memory_mb * _MB),
                        (resource.RLIMIT_FSIZE, limits.file_mb * _MB), (resource.RLIMIT_NPROC, limits.processes),
                        (resource.RLIMIT_CORE, 0)):
        soft, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))
    if limits.no_fork_no_net:
        seccomp.install()


# -- which sandbox -------------------------------------------------------------------------


@functools.cache
def mode() -> str:
    """'bwrap' when bubblewrap is installed and works here, else 'rlimits' (see the module docstring)."""
    wanted = os.environ.get(SANDBOX_ENV, "auto")
    if wanted not in ("auto", "bwrap", "rlimits"):
        raise ValueError(f"{SANDBOX_ENV} must be auto, bwrap or rlimits, got {wanted!r}")
    if wanted == "rlimits":
        return "rlimits"
    problem = _bwrap_problem()
    if problem is None:
        return "bwrap"
    if wanted == "bwrap":
        raise RuntimeError(f"{SANDBOX_ENV}=bwrap, but bubblewrap cannot be used here: {problem}")
    return "rlimits"


def _bwrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox a child here, or None when it can."""
    path = shutil.which("bwrap")
    if path is None:
        return "bwrap is not installed (apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="cvgrade-probe-") as folder:
        probe = [path, *_bwrap_mounts(Path(folder)), "--", sys.executable, "-I", "-c",
                 f"import sys; sys.path.insert(0, {PACKAGE_MOUNT!r}); import cvgrade.server"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"running bwrap failed: {exc}"
    return None if done.returncode == 0 else f"bwrap exited with {done.returncode}: {done.stderr.strip()[-300:]}"


# -- the child's folder, environment and command ------------------------------------------


def prepare_workdir(module_path: Path, name: str) -> Path:
    """A new folder holding only `<name>.py` (if the submission has one)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"cvgrade-{name}-"))
    if module_path.is_file():
        shutil.copyfile(module_path, workdir / f"{name}.py")
    return workdir


def child_env(workdir: Path) -> dict[str, str]:
    """The child's whole environment: offline hubs, a private home and tmp, fixed hashing."""
    inside = mode() == "bwrap"
    home = INSIDE_WORKDIR if inside else str(workdir)
    env = {key: os.environ[key] for key in _PASSED_ENV if key in os.environ}
    env.update({
        "HOME": home,
        "TMPDIR": "/tmp" if inside else home,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
    })
    return env


def python_module(module: str, *args: str) -> list[str]:
    """argv running `python -I -B -m module args`; under bubblewrap with the bound cvgrade package first on sys.path."""
    if mode() != "bwrap":
        return [sys.executable, "-I", "-B", "-m", module, *args]
    bootstrap = (f"import runpy, sys; sys.path.insert(0, {PACKAGE_MOUNT!r}); sys.argv[0] = {module!r}; "
                 f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)")
    return [sys.executable, "-I", "-B", "-c", bootstrap, *args]


def wrap(argv: list[str], workdir: Path) -> list[str]:
    """`argv` run inside bubblewrap with `workdir` at /submission when `mode()` says so, else unchanged."""
    if mode() != "bwrap":
        return argv
    return [shutil.which("bwrap"), *_bwrap_mounts(workdir), "--", *argv]


def inside_path(workdir: Path) -> str:
    """Where the child sees `workdir`."""
    return INSIDE_WORKDIR if mode() == "bwrap" else str(workdir)


def child_command(workdir: Path, name: str, reference_calls_json: str, fd_in: int, fd_out: int,
                  limits: Limits | None = None) -> list[str]:
    """argv that starts `cvgrade.child` on `workdir/<name>.py`, inside bubblewrap when `mode()` says so."""
    child = python_module("cvgrade.child", "--module", f"{inside_path(workdir)}/{name}.py", "--name", name,
                          "--reference-calls", reference_calls_json, "--fd-in", str(fd_in), "--fd-out", str(fd_out),
                          "--limits", (limits or Limits.from_env()).to_json())
    return wrap(child, workdir)


def _bwrap_mounts(workdir: Path) -> list[str]:
    """bwrap options: namespaces, read-only system and Python, the package, the workdir, devices."""
    args = ["--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--hostname", "cvgrade",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in _ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in _python_paths():
        args += ["--ro-bind", path, path]
    args += ["--ro-bind", str(Path(cvgrade.__file__).resolve().parent), f"{PACKAGE_MOUNT}/cvgrade"]
    for path in filter(None, os.environ.get(EXTRA_READ_ENV, "").split(os.pathsep)):
        args += ["--ro-bind-try", path, path]
    args += ["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]
    gpus = sorted(glob.glob("/dev/nvidia*"))
    for device in gpus:
        args += ["--dev-bind", device, device]
    if gpus:
        args += ["--ro-bind-try", "/sys", "/sys"]
    args += ["--bind", str(workdir), INSIDE_WORKDIR, "--remount-ro", "/", "--chdir", INSIDE_WORKDIR]
    return args


def _python_paths() -> list[str]:
    """The interpreter's prefixes and its site-packages, outermost first."""
    candidates = {sys.base_prefix, sys.prefix, str(Path(sys.executable).resolve().parent.parent),
                  *site.getsitepackages()}
    existing = sorted(str(Path(p).resolve()) for p in candidates if Path(p).is_dir())
    kept = ["/usr"]  # bound on its own
    for path in existing:  # sorted: a parent comes before its children, which it already covers
        if path != "/" and not any(path == k or path.startswith(k + "/") for k in kept):
            kept.append(path)
    return kept[1:]
