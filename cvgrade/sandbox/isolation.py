"""How the isolated child process that runs a submission is started, and how it confines itself.

Every child runs `python -I` (no user site, no PYTHON* variables, no current
directory on sys.path) in a fresh folder that holds only the student's
`<topic>.py`, with a minimal environment, in its own process group. Before it
imports the student's module it applies its `confinement` (`confine`), in this
order: resource limits (`Limits`); Landlock (`cvgrade.sandbox.landlock`); the privilege
drop (`cvgrade.sandbox.privileges`); no readable memory (PR_SET_DUMPABLE 0); imports
the topic denies (`DENY_IMPORTS`) fail with a clear message; a seccomp filter
(`cvgrade.sandbox.seccomp`: no new processes, no other program, no network sockets).

Modes (`CVGRADE_SANDBOX`, `mode()`):

- `bwrap`: a private mount, PID, network, IPC and UTS namespace with no
  capabilities. The child sees, read-only: /usr, /lib*, /bin, /sbin, a few files
  of /etc, the Python installation (prefix, base prefix, site-packages) and the
  grading process's own `cvgrade` package directory, bound alone at
  /opt/cvgrade/cvgrade and put first on the child's sys.path (never the
  repository or course that holds it); read-write: its own folder (at
  /submission) and an empty private /tmp. It does not see the course, reports,
  gradebooks or other students' folders. `/dev/nvidia*` are bound when present.
  Landlock applies inside too, where the kernel has it.
- `landlock`: the child sees the machine's filesystem but may open only what
  its Landlock rules grant: read-only the system libraries, the same files of
  /etc, the Python installation and site-packages, the `cvgrade` package, its
  own /proc/self, /sys/devices/system/cpu, /dev/null, /dev/urandom, GPU
  devices and the folders of `CVGRADE_SANDBOX_READ` and `LD_LIBRARY_PATH`;
  read-write only its own folder (also its HOME and TMPDIR). Not the
  course, the gradebook, other students, home folders or /tmp. It can execute
  no file, and where the ABI allows reach no TCP port (ABI >= 4) and signal or
  connect to no process outside itself (ABI >= 6). Names stay visible
  (`os.path.exists` works); contents do not.
- `rlimits`: only the resource limits, the seccomp filter and the privilege
  drop hold; the child reads and writes whatever its user can.

`auto` (the default) takes bwrap where it works, else landlock where the kernel
has it, else rlimits, which `describe()` flags with a warning. A forced mode
that cannot work here fails loudly. Outside bubblewrap, when the grader is the
machine's root, children become `CVGRADE_CHILD_USER` (default `nobody`, see
`cvgrade.sandbox.privileges`); inside bubblewrap they keep the grader's user, mapped in
its user namespace, with no capabilities.

A topic's `DENY_IMPORTS` (top-level module names) are out of reach wherever
Landlock is in force: no rule grants the files of those modules or of the
distributions that install them (bundled shared libraries included), and
importing one raises ModuleNotFoundError saying so. In rlimits mode nothing
enforces them; the call tripwire still watches the reference library.
"""

from __future__ import annotations

import functools
import glob
import importlib.abc
import json
import os
import pwd
import shutil
import site
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cvgrade.sandbox import landlock, privileges, scratch
import cvgrade

SANDBOX_ENV = "CVGRADE_SANDBOX"            # auto (default) | bwrap | landlock | rlimits
MODES = ("auto", "bwrap", "landlock", "rlimits")
EXTRA_READ_ENV = "CVGRADE_SANDBOX_READ"    # os.pathsep-separated extra read-only paths (model caches)
INSIDE_WORKDIR = "/submission"
PACKAGE_MOUNT = "/opt/cvgrade"  # inside bubblewrap: a folder holding only the cvgrade package
_PASSED_ENV = ("PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group", "nsswitch.conf",
              "alternatives", "os-release")
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_CHILD_PROC = ("/proc/self", "/proc/cpuinfo", "/proc/meminfo", "/proc/stat")
_ZYGOTE_CAPABILITIES = {privileges.CAP_DAC_OVERRIDE, privileges.CAP_DAC_READ_SEARCH, privileges.CAP_FOWNER,
                        privileges.CAP_KILL, privileges.CAP_SETGID, privileges.CAP_SETUID, privileges.CAP_SETPCAP}
_MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-child resource limits; each can be set by an environment variable of the grading process.

    `memory_mb` bounds the child's data segment and private writable mappings
    (RLIMIT_DATA), not its address space, so CUDA's large reservations still
    work. `processes` (RLIMIT_NPROC) counts every process and thread of the
    user; the seccomp filter is what stops forks.
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


class DeniedImports(importlib.abc.MetaPathFinder):
    """Importing one of `names` (or a submodule) raises ModuleNotFoundError that says the topic denies it."""

    def __init__(self, names):
        self.names = frozenset(names)

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in self.names:
            raise ModuleNotFoundError(f"{top} is not available for this topic: submissions are graded without it "
                                      "(it is the library the graders compare against)", name=fullname)
        return None


# -- in the isolated process ---------------------------------------------------------------


def confine(plan_json: str) -> dict:
    """Apply a `confinement` plan to this process for good (see the module docstring for the order); the plan."""
    import resource

    from cvgrade.sandbox import seccomp

    plan = json.loads(plan_json)
    limits = Limits(**plan["limits"]) if plan["limits"] else None
    if limits is not None:
        for kind, value in ((resource.RLIMIT_CPU, limits.cpu_s), (resource.RLIMIT_DATA, limits.memory_mb * _MB),
                            (resource.RLIMIT_FSIZE, limits.file_mb * _MB), (resource.RLIMIT_NPROC, limits.processes),
                            (resource.RLIMIT_CORE, 0)):
            soft, hard = resource.getrlimit(kind)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(kind, (value, value))
    if plan["landlock"] is not None:
        landlock.restrict([tuple(rule) for rule in plan["landlock"]])
    if plan["identity"] is not None:
        if plan["zygote"]:  # stays root, keeping only what it needs to wipe its folder and start children
            privileges.keep_only(_ZYGOTE_CAPABILITIES)
        else:
            privileges.drop(privileges.Identity(**plan["identity"]))
    privileges.not_dumpable()
    if plan["deny_imports"]:
        sys.meta_path.insert(0, DeniedImports(plan["deny_imports"]))
    if limits is not None and limits.no_fork_no_net:
        seccomp.install()
    return plan


# -- which sandbox -------------------------------------------------------------------------


@functools.cache
def mode() -> str:
    """'bwrap', 'landlock' or 'rlimits' (see the module docstring)."""
    wanted = os.environ.get(SANDBOX_ENV, "auto")
    if wanted not in MODES:
        raise ValueError(f"{SANDBOX_ENV} must be one of {', '.join(MODES)}, got {wanted!r}")
    if wanted == "rlimits":
        return "rlimits"
    if wanted == "landlock":
        if landlock.abi() < 1:
            raise RuntimeError(f"{SANDBOX_ENV}=landlock, but this kernel has no Landlock (Linux 5.13 or later, "
                               "with landlock in the lsm= boot list)")
        return "landlock"
    problem = _bwrap_problem()
    if problem is None:
        return "bwrap"
    if wanted == "bwrap":
        raise RuntimeError(f"{SANDBOX_ENV}=bwrap, but bubblewrap cannot be used here: {problem}")
    return "landlock" if landlock.abi() >= 1 else "rlimits"


def landlock_abi() -> int:
    """The Landlock ABI children are confined with; 0 when none (rlimits mode, or no Landlock in the kernel)."""
    return 0 if mode() == "rlimits" else landlock.abi()


def child_identity() -> privileges.Identity | None:
    """Who children become: `CVGRADE_CHILD_USER` when this process is the machine's root outside bubblewrap."""
    return _identity(mode(), os.environ.get(privileges.CHILD_USER_ENV))


@functools.cache
def _identity(current_mode: str, user: str | None) -> privileges.Identity | None:
    if current_mode == "bwrap" or not privileges.machine_root():
        return None
    return privileges.child_identity(_needed_by_children())


def _needed_by_children() -> list[str]:
    """What a child must reach by its file permissions: Python, cvgrade, and the folder its own folder lives in."""
    return _python_paths() + [_package_dir(), str(scratch.folder())]


def describe() -> dict:
    """What isolation this process's children get: mode, Landlock ABI (0: none), their user, notes, a warning.

    `warning` is set (and must be shown loudly) only where children are not
    sandboxed at all: rlimits mode.
    """
    current, abi, identity = mode(), landlock_abi(), child_identity()
    user = identity.user if identity else pwd.getpwuid(os.geteuid()).pw_name
    notes = []
    read_search = identity is not None and identity.read_search
    if read_search:
        blocked = privileges.unreachable(identity.uid, identity.gid, _needed_by_children())
        notes.append(f"{user} cannot read {', '.join(blocked)} by file permissions, so children keep "
                     "CAP_DAC_READ_SEARCH" + ("; their Landlock rules still decide what they read" if abi else
                                              ": without Landlock they can read every file of the machine"))
    if current == "bwrap" and abi == 0:
        notes.append("this kernel has no Landlock: bubblewrap alone confines children")
    if 0 < abi < 6:
        notes.append(f"Landlock ABI {abi} cannot scope signals: children can signal other processes of {user}")
    if 0 < abi < 4:
        notes.append(f"Landlock ABI {abi} cannot filter TCP: the seccomp filter alone keeps children off the network")
    warning = None
    if current == "rlimits":
        reach = f"read every file of the machine and write whatever {user} can" if read_search else \
            f"read and write whatever {user} can"
        warning = (f"student code is NOT sandboxed: isolated children run as {user} under resource limits and a "
                   f"seccomp filter only (no bubblewrap, no Landlock), so they can {reach}, graders and other "
                   "students' submissions included")
    return {"mode": current, "landlock_abi": abi, "child_user": user, "notes": notes, "warning": warning}


def _bwrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox a child here, or None when it can."""
    path = shutil.which("bwrap")
    if path is None:
        return "bwrap is not installed (apt-get install bubblewrap)"
    with tempfile.TemporaryDirectory(prefix="cvgrade-probe-", dir=scratch.folder()) as folder:
        probe = [path, *_bwrap_mounts(Path(folder)), "--", sys.executable, "-I", "-c",
                 f"import sys; sys.path.insert(0, {PACKAGE_MOUNT!r}); import cvgrade.sandbox.server"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"running bwrap failed: {exc}"
    return None if done.returncode == 0 else f"bwrap exited with {done.returncode}: {done.stderr.strip()[-300:]}"


# -- the child's folder, environment, confinement and command ------------------------------


def own_folder(prefix: str) -> Path:
    """A new folder in this process's scratch folder that children (whatever their user) may write."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch.folder()))
    identity = child_identity()
    if identity is not None:
        os.chown(folder, identity.uid, identity.gid)
    return folder


def prepare_workdir(module_path: Path, name: str) -> Path:
    """A new child folder holding only `<name>.py` (if the submission has one)."""
    workdir = own_folder(f"cvgrade-{name}-")
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


LAYERS = ("direct", "zygote", "forked")


def confinement(workdir: Path, *, layer: str = "direct", deny_imports=()) -> str:
    """JSON plan that a process started for `workdir` gives to `confine`.

    `layer`: "direct" for a child started on its own, "zygote" for a zygote,
    "forked" for a child forked from a zygote (its Landlock layer narrows the
    zygote's, which already hides the denied modules' files: hiding them takes
    one rule per entry of site-packages, paid once per zygote). `deny_imports`
    is dropped where no Landlock rule can enforce it.
    """
    if layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}, got {layer!r}")
    denied = tuple(sorted(set(deny_imports))) if landlock_abi() else ()
    rules = None
    if landlock_abi():
        writable = [inside_path(workdir)] + (["/tmp"] if mode() == "bwrap" else [])
        hidden = () if layer == "forked" else denied
        rules = [*_read_rules(mode(), hidden, layer == "zygote"), *((path, "write") for path in writable)]
    identity = child_identity()
    return json.dumps({"limits": None if layer == "zygote" else asdict(Limits.from_env()), "landlock": rules,
                       "identity": asdict(identity) if identity else None, "zygote": layer == "zygote",
                       "deny_imports": list(denied)})


@functools.cache
def _read_rules(current_mode: str, denied: tuple[str, ...], zygote: bool) -> tuple[tuple[str, str], ...]:
    """Landlock rules for everything a child (or its zygote) reads, without the files of `denied` modules."""
    inside = current_mode == "bwrap"
    package = f"{PACKAGE_MOUNT}/cvgrade" if inside else _package_dir()
    extra = [p for var in (EXTRA_READ_ENV, "LD_LIBRARY_PATH") for p in os.environ.get(var, "").split(os.pathsep) if p]
    gpus = sorted(glob.glob("/dev/nvidia*"))
    roots = [*_SYSTEM, *(f"/etc/{name}" for name in _ETC_FILES), *_python_paths(), package, *extra,
             "/sys/devices/system/cpu", *(("/proc",) if zygote else _CHILD_PROC),
             *(("/sys", "/proc/driver/nvidia") if gpus else ())]
    hidden = _module_files(denied)
    rules = [rule for root in roots for rule in _readable_except(root, hidden)]
    rules += [("/dev/urandom", "read"), ("/dev/random", "read"), ("/dev/null", "device")]
    rules += [(device, "device") for device in gpus]
    return tuple(rules)


def _readable_except(root: str, hidden: tuple[str, ...], resolved: bool = False) -> list[tuple[str, str]]:
    """Rules that grant reading `root` but none of the `hidden` paths (resolved) beneath it."""
    real = root if resolved else os.path.realpath(root)
    inner = tuple(h for h in hidden if h == real or h.startswith(real + "/"))
    if not inner:
        return [(root, "read")]
    if real in inner:
        return []
    rules = [(real, "list")]
    for entry in os.scandir(real):
        rules += _readable_except(entry.path, inner, resolved=not entry.is_symlink())
    return rules


@functools.cache
def _module_files(names: tuple[str, ...]) -> tuple[str, ...]:
    """The folders and files of the top-level modules `names` and of the distributions that install them."""
    from importlib import metadata, util

    found = set()
    for name in names:
        spec = util.find_spec(name)
        if spec is None:
            continue
        location = Path(spec.submodule_search_locations[0] if spec.submodule_search_locations else spec.origin)
        found.add(str(location.resolve()))
        for dist in metadata.distributions(path=[str(location.parent)]):
            if name in (dist.read_text("top_level.txt") or "").split():
                found |= {str((location.parent / file.parts[0]).resolve()) for file in dist.files or ()
                          if file.parts[0] not in ("..", "__pycache__")}
    return tuple(sorted(found))


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
                  confinement_json: str) -> list[str]:
    """argv that starts `cvgrade.sandbox.child` on `workdir/<name>.py`, inside bubblewrap when `mode()` says so."""
    child = python_module("cvgrade.sandbox.child", "--module", f"{inside_path(workdir)}/{name}.py", "--name", name,
                          "--reference-calls", reference_calls_json, "--fd-in", str(fd_in), "--fd-out", str(fd_out),
                          "--confinement", confinement_json)
    return wrap(child, workdir)


def _bwrap_mounts(workdir: Path) -> list[str]:
    """bwrap options: namespaces, read-only system and Python, the package, the workdir, devices."""
    args = ["--unshare-all", "--die-with-parent", "--cap-drop", "ALL", "--hostname", "cvgrade",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for top in _SYSTEM:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in _ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for path in _python_paths():
        args += ["--ro-bind", path, path]
    args += ["--ro-bind", _package_dir(), f"{PACKAGE_MOUNT}/cvgrade"]
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


def _package_dir() -> str:
    """The folder of the grading process's own cvgrade package."""
    return str(Path(cvgrade.__file__).resolve().parent)


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
