"""The attack suite: malicious `image_filtering` submissions graded in isolated mode, each as it deserves.

Every attack in `tests/attacks/` is appended to the solution or to the stub and graded, once per batch,
against a disposable copy of the course, beside a disposable second checkout of the kit, two honest
students and a disposable virtual environment (the one a `.pth` attack aims at). Each batch runs inside a
throwaway mount and PID namespace (`tests/attack_batch.py`): the real trees are read-only there, /tmp is
the batch's own folder, and no process outlives it. The disposable files belong to the children's user
(`nobody`), so only the sandbox keeps a child from them. Batches:

- `bwrap`: bubblewrap and Landlock;
- `landlock`: Landlock without bubblewrap, graded by root (children become nobody);
- `landlock-unprivileged`: the same, graded by nobody itself;
- `rlimits`: the attacks that limits, the seccomp filter and the privilege drop contain alone.

Two submissions are graded at a time, by warm workers as in `cvgrade autograde`, under small limits (5 s per
call, 512 MB of memory, 16 MB per written file). Each test then checks one attack's report (the tests it must
lose, the message the student reads); per batch, that the honest students kept their exact scores and that
nothing outside the grading outputs changed: the course, the checkout, the honest submissions, the
disposable and the real site-packages, the kit, /tmp, /dev/shm, the network and the process table.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import pwd
import select
import shutil
import site
import socket
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from cvgrade import paths
from cvgrade.harness import grading
from cvgrade.release import stubs
from cvgrade.sandbox import landlock, privileges, isolation

TOPIC = "image_filtering"
ATTACKS = Path(__file__).parent / "attacks"
RUNNER = Path(__file__).parent / "attack_batch.py"
CALL_TIMEOUT_S = 5.0
LIMITS_ENV = {"CVGRADE_MEMORY_LIMIT_MB": "512", "CVGRADE_FILE_LIMIT_MB": "16"}
CHILD_USER = "nobody"
INSIDE = Path("/tmp/batch")  # where the namespace sees a batch's folder
HONEST_MUTANT = "magnitude_no_sqrt"
ALL = frozenset({"*"})
SOBEL_KERNELS = frozenset({"test_sobel_kernels"})
SOBEL_GRADIENTS = frozenset({"test_sobel_gradients_match_opencv", "test_sobel_gradients_of_a_real_image"})
NO_CV2 = "cv2 is not available for this topic"


@dataclass(frozen=True)
class Expect:
    """How an attack must be graded: appended to `base`, it loses exactly `lost` (test names; ALL: every test)."""

    base: str
    lost: frozenset
    message: str = ""
    also_rlimits: bool = False   # contained without bubblewrap and Landlock too: graded in the rlimits batch


EXPECTED = {
    "patch_comparisons": Expect("solution", SOBEL_KERNELS, "elements differ"),
    "ndarray_subclass": Expect("solution", SOBEL_KERNELS, "AlwaysEqual"),
    "fake_reports": Expect("stub", ALL, "not implemented yet"),
    "read_course_files": Expect("solution", frozenset()),
    "exit_at_import": Expect("solution", ALL, "SystemExit: 3"),
    "os_exit_at_import": Expect("solution", ALL, "exited with status 0"),
    "infinite_loop": Expect("solution", SOBEL_KERNELS, f"did not return within {CALL_TIMEOUT_S:g} s", also_rlimits=True),
    "memory_bomb": Expect("solution", SOBEL_KERNELS, "MemoryError", also_rlimits=True),
    "fork_bomb": Expect("solution", SOBEL_KERNELS, f"did not return within {CALL_TIMEOUT_S:g} s", also_rlimits=True),
    "open_sockets": Expect("solution", frozenset(), also_rlimits=True),
    "delete_course_files": Expect("solution", frozenset()),
    "print_fake_results": Expect("stub", ALL, "not implemented yet"),
    "plant_conftest": Expect("stub", ALL, "not implemented yet"),
    "planted_files": Expect("stub", ALL, "not implemented yet", also_rlimits=True),
    "plant_sitecustomize": Expect("solution", SOBEL_KERNELS, "exited with status 1"),
    "reference_library": Expect("solution", ALL, NO_CV2),
    "tripwire_unwrap": Expect("solution", ALL, NO_CV2),
    "tripwire_patch": Expect("solution", ALL, NO_CV2),
    "segfault": Expect("solution", SOBEL_KERNELS, "segmentation fault", also_rlimits=True),
    "exit_in_call": Expect("solution", SOBEL_KERNELS, "SystemExit"),
    "output_flood": Expect("solution", SOBEL_KERNELS, "File too large", also_rlimits=True),
    "overwrite_graders": Expect("solution", frozenset()),
    "plant_pth": Expect("solution", frozenset()),
    "exec_shell": Expect("solution", frozenset(), also_rlimits=True),
    "signal_processes": Expect("solution", frozenset()),
    "write_parent_memory": Expect("solution", frozenset(), also_rlimits=True),
    "raise_limits": Expect("solution", frozenset(), also_rlimits=True),
    "load_shared_library": Expect("solution", frozenset()),
}
IN_RLIMITS = {  # no Landlock, so cv2 stays importable: the call tripwire is what catches these
    "reference_library": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
    "tripwire_unwrap": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
    "tripwire_patch": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
}
FIRST, LAST = ["overwrite_graders"], ["signal_processes"]  # the walker first; the killer beside the honest students
BATCHES = {"bwrap": ("bwrap", "root"), "landlock": ("landlock", "root"),
           "landlock-unprivileged": ("landlock", CHILD_USER), "rlimits": ("rlimits", "root")}


def _expectation(batch: str, attack: str) -> Expect:
    return IN_RLIMITS.get(attack, EXPECTED[attack]) if batch == "rlimits" else EXPECTED[attack]


def _attacks_of(batch: str) -> list[str]:
    if batch == "rlimits":
        chosen = [a for a, e in EXPECTED.items() if e.also_rlimits or a in IN_RLIMITS]
    else:
        chosen = [a for a in EXPECTED if not (a == "signal_processes" and landlock.abi() < 6 and batch != "bwrap")]
    middle = sorted(a for a in chosen if a not in FIRST + LAST)
    return [a for a in FIRST if a in chosen] + middle + [a for a in LAST if a in chosen]


def _batch_problem(batch: str) -> str | None:
    """Why `batch` cannot run on this machine, or None."""
    if not privileges.machine_root():
        return "each batch runs in a throwaway mount and PID namespace, which takes the machine's root"
    if shutil.which("unshare") is None or shutil.which("setpriv") is None:
        return "unshare and setpriv (util-linux) are not installed"
    if BATCHES[batch][0] == "bwrap" and isolation._bwrap_problem() is not None:
        return f"bubblewrap unavailable: {isolation._bwrap_problem()}"
    if BATCHES[batch][0] == "landlock" and landlock.abi() < 1:
        return "this kernel has no Landlock"
    return None


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _real_site_packages() -> dict[str, str]:
    """The files at the top of every real site-packages (where .pth files act) and numpy's __init__."""
    import numpy

    files = [p for folder in site.getsitepackages() for p in sorted(Path(folder).iterdir()) if p.is_file()]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in [*files, Path(numpy.__file__)]}


def _kit(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for part in (paths.SOLUTIONS, paths.REFERENCE, paths.GRADERS, paths.ASSIGNMENTS, "cvgrade")
            for p in sorted((root / part).rglob("*.py")) if "__pycache__" not in p.parts}


def _chown_tree(folder: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


class Batch:
    """One batch's disposable world (see the module docstring), graded once inside its own namespace."""

    def __init__(self, root: Path, tmp: Path, name: str, shared_library: str):
        self.name, (self.mode, self.user) = name, BATCHES[name]
        self.tmp = tmp / "tmp"  # the namespace's /tmp
        self.base = self.tmp / "batch"
        self.course, self.checkout = self.base / "course", self.base / "checkout"
        self.submitted, self.venv = self.base / "submitted", self.base / "venv"
        for kit in (self.course, self.checkout):
            for part in (paths.GRADERS, paths.SOLUTIONS, paths.REFERENCE, paths.ASSIGNMENTS):
                (kit / part).mkdir(parents=True)
            for rel in (f"{paths.GRADERS}/test_{TOPIC}.py", f"{paths.SOLUTIONS}/{TOPIC}.py",
                        f"{paths.REFERENCE}/{TOPIC}.py", f"{paths.ASSIGNMENTS}/{TOPIC}.py"):
                shutil.copyfile(root / rel, kit / rel)
            (kit / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["."]\n')
        solution = (root / paths.SOLUTIONS / f"{TOPIC}.py").read_text()
        bases = {"solution": solution, "stub": stubs.strip_solutions(solution, TOPIC)}
        mutant = (root / paths.MUTANTS / TOPIC / f"{HONEST_MUTANT}.py").read_text()
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.attacks = _attacks_of(name)
        sources = {a: bases[_expectation(name, a).base] + "\n\n" + self._attack(a, shared_library) for a in self.attacks}
        sources.update(honest_full=solution, honest_partial=solution + "\n\n" + mutant)
        for label, source in sources.items():
            (self.submitted / label).mkdir(parents=True)
            (self.submitted / label / f"{TOPIC}.py").write_text(source)
            if (ATTACKS / label).is_dir():  # stored inert (".planted"), so no tool of ours ever picks them up
                for planted in (ATTACKS / label).iterdir():
                    shutil.copyfile(planted, self.submitted / label / planted.name.removesuffix(".planted"))
        self._make_venv()
        (self.base / "home").mkdir()
        _chown_tree(self.base, CHILD_USER)
        self.tmp.chmod(0o1777)
        self.before = self.fingerprints(root)
        self.result = self._grade(list(sources))
        self.after = self.fingerprints(root)

    def inside(self, path: Path) -> str:
        return str(INSIDE / path.relative_to(self.base))

    def _attack(self, name: str, shared_library: str) -> str:
        attack = (ATTACKS / f"{name}.py").read_text()
        for placeholder, value in (("__COURSE__", self.inside(self.course)),
                                   ("__OTHER__", self.inside(self.submitted / "honest_full")),
                                   ("__PORT__", self.port), ("__SHARED_LIBRARY__", shared_library)):
            attack = attack.replace(placeholder, str(value))
        return attack

    def _make_venv(self) -> None:
        """A virtual environment over this interpreter's, owned by the children's user: the `.pth` attack's target."""
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(self.venv)],
                       check=True, capture_output=True)
        ours = Path(sysconfig.get_paths()["purelib"])
        theirs = Path(sysconfig.get_paths(vars={"base": str(self.venv), "platbase": str(self.venv)})["purelib"])
        if sys.prefix != sys.base_prefix:  # cvgrade may be installed (editable) in this environment only
            for finder in ours.glob("__editable__*"):
                shutil.copyfile(finder, theirs / finder.name)

    def fingerprints(self, root: Path) -> dict:
        return {"course": _fingerprint(self.course), "checkout": _fingerprint(self.checkout),
                "honest students": _fingerprint(self.submitted / "honest_full") | {
                    f"partial/{k}": v for k, v in _fingerprint(self.submitted / "honest_partial").items()},
                "disposable site-packages": _fingerprint(self.venv / "lib"),
                "real site-packages": _real_site_packages(), "kit": _kit(root),
                "/tmp": sorted(p.name for p in self.tmp.iterdir()),
                "/tmp/batch": sorted(p.name for p in self.base.iterdir())}

    def _grade(self, labels: list[str]) -> dict:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(INSIDE / "home"), "TMPDIR": "/tmp",
               "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               isolation.SANDBOX_ENV: self.mode, privileges.CHILD_USER_ENV: CHILD_USER, **LIMITS_ENV}
        spec = {"tmp": str(self.tmp), "user": self.user, "python": self.inside(self.venv / "bin" / "python"),
                "course": self.inside(self.course), "topic": TOPIC, "call_timeout": CALL_TIMEOUT_S, "env": env,
                "submissions": [[label, self.inside(self.submitted / label)] for label in labels]}
        command = ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--propagation", "private",
                   sys.executable, str(RUNNER), json.dumps(spec)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=1500)
        assert done.returncode == 0, f"the {self.name} batch failed:\n{done.stderr[-5000:]}"
        return json.loads(done.stdout)

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory) -> str:
    """The native attack as base64: load_shared_library.c built with the C compiler, else a copy of libm."""
    folder = tmp_path_factory.mktemp("native")
    compiler = shutil.which("cc")
    if compiler is None:  # no C compiler here: the library is harmless, loading it from its folder is the attack
        return base64.b64encode(Path(_libm_path()).read_bytes()).decode()
    course_file = INSIDE / "course" / paths.SOLUTIONS / f"{TOPIC}.py"
    subprocess.run([compiler, "-shared", "-fPIC", f'-DCOURSE_FILE="{course_file}"', "-o", str(folder / "attack.so"),
                    str(ATTACKS / "load_shared_library.c")], check=True, capture_output=True)
    return base64.b64encode((folder / "attack.so").read_bytes()).decode()


def _libm_path() -> str:
    """The path of the C math library this process loaded."""
    import numpy  # noqa: F401  (it loads libm)

    for line in Path("/proc/self/maps").read_text().splitlines():
        if "/libm.so" in line or "/libm-" in line:
            return line.split()[-1]
    raise FileNotFoundError("libm is not loaded")


@pytest.fixture(scope="module")
def honest_partial_score(root, tmp_path_factory) -> float:
    """The honest partly-wrong student's score, graded alone and in-process, before any attack."""
    folder = tmp_path_factory.mktemp("honest")
    solution = (root / paths.SOLUTIONS / f"{TOPIC}.py").read_text()
    (folder / f"{TOPIC}.py").write_text(solution + "\n\n" + (root / paths.MUTANTS / TOPIC / f"{HONEST_MUTANT}.py").read_text())
    report = grading.grade_topic(root, TOPIC, folder, isolated=False)
    assert report["status"] == "ok" and 0 < report["score"] < report["max_score"], report.get("error")
    return report["score"]


@pytest.fixture(scope="module")
def batches(root, tmp_path_factory, shared_library):
    """`batches(name)`: every attack of that batch graded once (skips a batch this machine cannot run, saying why)."""
    made: dict[str, Batch] = {}

    def get(name: str) -> Batch:
        problem = _batch_problem(name)
        if problem is not None:
            pytest.skip(problem)
        if name not in made:
            made[name] = Batch(root, tmp_path_factory.mktemp(f"attacks-{name}"), name, shared_library)
        return made[name]

    yield get
    for batch in made.values():
        batch.close()


CASES = [(batch, attack) for batch in BATCHES for attack in _attacks_of(batch)]


def _test_name(test: dict) -> str:
    return test["name"].split("[")[0]


@pytest.mark.slow
@pytest.mark.parametrize("batch,attack", CASES)
def test_attack_is_graded_as_it_deserves(batches, batch, attack):
    expect = _expectation(batch, attack)
    report = batches(batch).result["reports"][attack]
    assert report["status"] == "ok", report.get("error")
    assert len(report["tests"]) >= 100, "the grading session did not collect the image_filtering graders"
    assert report["sandbox"]["mode"] == BATCHES[batch][0]
    lost = [t for t in report["tests"] if t["outcome"] != "passed"]
    if expect.lost == ALL:
        assert not [t["id"] for t in report["tests"] if t["outcome"] == "passed"]
        assert report["score"] == 0
    else:
        assert {_test_name(t) for t in lost} == set(expect.lost), [(t["id"], t["message"][:200]) for t in lost]
        assert report["score"] == pytest.approx(report["max_score"] - sum(t["max_points"] for t in lost), abs=1e-9)
    if expect.message:
        assert all(expect.message in t["message"] for t in lost), [t["message"][:300] for t in lost]


@pytest.mark.slow
@pytest.mark.parametrize("batch", BATCHES)
def test_honest_students_keep_their_exact_scores(batches, batch, honest_partial_score):
    reports = batches(batch).result["reports"]
    full, partial = reports["honest_full"], reports["honest_partial"]
    assert (full["status"], partial["status"]) == ("ok", "ok"), (full.get("error"), partial.get("error"))
    assert full["score"] == full["max_score"] > 0, [t["message"][:200] for t in full["tests"] if t["outcome"] != "passed"]
    assert partial["score"] == pytest.approx(honest_partial_score, abs=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("batch", BATCHES)
def test_nothing_outside_the_grading_outputs_changed(batches, batch):
    graded = batches(batch)
    for part, before in graded.before.items():
        assert graded.after[part] == before, f"{part} changed"
    assert graded.result["shm"] == [], "a submission left files in /dev/shm"
    assert graded.result["processes"] == [], "a submission's process outlived its grading"
    assert select.select([graded.tcp, graded.udp], [], [], 0)[0] == [], "a submission reached the grader's network"
