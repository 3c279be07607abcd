"""The attack suite: malicious `image_filtering` submissions graded in isolated mode, each as it deserves.

Every attack in `tests/attacks/` is appended to the solution or to the stub and
graded against a disposable copy of the course (graders, solution, reference),
next to another student's folder. All attacks are graded once, two at a time,
under small limits (5 s per call, 512 MB of memory, 16 MB per written file); each
test then checks one attack's report: the tests it must lose, the message the
student reads, and that the course, the other student, the network and the
process table are untouched. Every attack runs where bubblewrap works; the ones
that limits and the seccomp filter contain alone (loops, memory, forks, sockets,
crashes, planted files, output floods) run again in rlimits mode
(`CVGRADE_SANDBOX=rlimits`). Reading or writing the course is stopped by
bubblewrap only.
"""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from cvgrade import grading, paths, release, sandbox

TOPIC = "image_filtering"
ATTACKS = Path(__file__).parent / "attacks"
CALL_TIMEOUT_S = 5.0
LIMITS_ENV = {"CVGRADE_MEMORY_LIMIT_MB": "512", "CVGRADE_FILE_LIMIT_MB": "16"}
ALL = frozenset({"*"})
SOBEL_KERNELS = frozenset({"test_sobel_kernels"})
SOBEL_GRADIENTS = frozenset({"test_sobel_gradients_match_opencv", "test_sobel_gradients_of_a_real_image"})


@dataclass(frozen=True)
class Expect:
    """How an attack must be graded: appended to `base`, it loses exactly `lost` (test names; ALL: every test)."""

    base: str
    lost: frozenset
    message: str = ""
    also_rlimits: bool = False   # contained without bubblewrap too: graded in both batches


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
    "reference_library": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
    "tripwire_unwrap": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
    "tripwire_patch": Expect("solution", SOBEL_GRADIENTS, "called cv2.Sobel"),
    "segfault": Expect("solution", SOBEL_KERNELS, "segmentation fault", also_rlimits=True),
    "exit_in_call": Expect("solution", SOBEL_KERNELS, "SystemExit"),
    "output_flood": Expect("solution", SOBEL_KERNELS, "File too large", also_rlimits=True),
}


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass
    return found


class Batch:
    """A disposable course, the attacks' submission folders, a listening socket; grades every attack once."""

    def __init__(self, root: Path, tmp: Path, sandbox_mode: str):
        self.mode = sandbox_mode
        self.course, self.other, self.grading_tmp = tmp / "course", tmp / "submissions" / "other_student", tmp / "gt"
        for part in (paths.GRADERS, paths.SOLUTIONS, paths.REFERENCE):
            (self.course / part).mkdir(parents=True)
        for rel in (f"{paths.GRADERS}/test_{TOPIC}.py", f"{paths.SOLUTIONS}/{TOPIC}.py", f"{paths.REFERENCE}/{TOPIC}.py"):
            shutil.copyfile(root / rel, self.course / rel)
        (self.course / "pyproject.toml").write_text('[tool.pytest.ini_options]\npythonpath = ["."]\n')
        solution = (root / paths.SOLUTIONS / f"{TOPIC}.py").read_text()
        self.bases = {"solution": solution, "stub": release.strip_solutions(solution, TOPIC)}
        self.other.mkdir(parents=True)
        (self.other / f"{TOPIC}.py").write_text(solution)
        self.grading_tmp.mkdir()
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.folders = {name: self._submission(tmp / "submissions" / name, name, expect)
                        for name, expect in EXPECTED.items() if self.mode == "bwrap" or expect.also_rlimits}
        self.before = {"course": _fingerprint(self.course), "other": _fingerprint(self.other)}
        self.reports = self._grade_all()

    def _submission(self, folder: Path, name: str, expect: Expect) -> Path:
        attack = (ATTACKS / f"{name}.py").read_text()
        for placeholder, value in (("__COURSE__", self.course), ("__OTHER__", self.other), ("__PORT__", self.port)):
            attack = attack.replace(placeholder, str(value))
        folder.mkdir(parents=True, exist_ok=True)
        if (ATTACKS / name).is_dir():  # stored inert (".planted"), so no tool of ours ever picks them up
            for planted in (ATTACKS / name).iterdir():
                shutil.copyfile(planted, folder / planted.name.removesuffix(".planted"))
        (folder / f"{TOPIC}.py").write_text(self.bases[expect.base] + "\n\n" + attack)
        return folder

    def _grade_all(self) -> dict[str, dict]:
        env = {**LIMITS_ENV, "TMPDIR": str(self.grading_tmp), sandbox.SANDBOX_ENV: self.mode}
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                graded = pool.map(lambda folder: grading.grade_topic(self.course, TOPIC, folder, isolated=True,
                                                                     call_timeout=CALL_TIMEOUT_S),
                                  self.folders.values())
                return dict(zip(self.folders, graded))
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


CASES = [(mode, attack) for mode in ("bwrap", "rlimits") for attack, expect in sorted(EXPECTED.items())
         if mode == "bwrap" or expect.also_rlimits]


@pytest.fixture(scope="module")
def batches(root, tmp_path_factory):
    """`batches(mode)`: every attack of that mode graded once (skips the bwrap batch where bubblewrap fails)."""
    made: dict[str, Batch] = {}

    def get(mode: str) -> Batch:
        if mode == "bwrap" and sandbox._bwrap_problem() is not None:
            pytest.skip(f"bubblewrap unavailable here: {sandbox._bwrap_problem()}")
        if mode not in made:
            made[mode] = Batch(root, tmp_path_factory.mktemp(f"attacks-{mode}"), mode)
        return made[mode]

    yield get
    for batch in made.values():
        batch.close()


def _test_name(test: dict) -> str:
    return test["name"].split("[")[0]


@pytest.mark.slow
@pytest.mark.parametrize("mode,attack", CASES)
def test_attack_is_graded_as_it_deserves(batches, mode, attack):
    expect = EXPECTED[attack]
    report = batches(mode).reports[attack]
    assert report["status"] == "ok", report.get("error")
    assert len(report["tests"]) >= 100, "the grading session did not collect the image_filtering graders"
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
@pytest.mark.parametrize("mode", ["bwrap", "rlimits"])
def test_nothing_outside_the_submission_was_harmed(batches, mode):
    batch = batches(mode)
    assert _fingerprint(batch.course) == batch.before["course"], "the course tree changed"
    assert _fingerprint(batch.other) == batch.before["other"], "another student's folder changed"
    assert select.select([batch.tcp, batch.udp], [], [], 0)[0] == [], "a submission reached the grader's network"
    assert _processes_mentioning(str(batch.grading_tmp)) == [], "a submission's process outlived its grading"
    assert list(batch.grading_tmp.iterdir()) == [], "a submission's working folder was left behind"
