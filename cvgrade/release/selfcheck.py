"""Prove that a topic's graders grade: solutions full marks, stubs zero, every mutant caught.

A mutant (`tests/mutants/<topic>/<mistake>.py`) is appended to the solution
module, so its definitions replace the solution's; each must lose points, and
every graded name needs at least `MIN_MUTANTS` of them. A formulation
(`tests/formulations/<topic>/<way>.py`) is appended the same way but is a
different *correct* implementation (logsumexp instead of a max shift, an
eigendecomposition instead of `sqrtm`): it must score full marks, which proves
that a grader's tolerances follow the problem and not one way of computing it.

Each check takes `grade`, the function that runs one grading session
(`cvgrade.harness.grading.grade_topic` by default, or a warm worker's, see `warm_grader`).
"""

from __future__ import annotations

import ast
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cvgrade import paths
from cvgrade.harness.grading import grade_topic
from cvgrade.harness.workers import Worker, grade_topic_warm
from cvgrade.release.stubs import graded_names
from cvgrade.sandbox import scratch

MIN_MUTANTS = 2


@dataclass
class Check:
    topic: str
    name: str
    ok: bool
    detail: str


def mutants(root: Path, topic: str) -> list[Path]:
    return sorted((root / paths.MUTANTS / topic).glob("*.py"))


def formulations(root: Path, topic: str) -> list[Path]:
    return sorted((root / paths.FORMULATIONS / topic).glob("*.py"))


def mutated_names(mutant: Path) -> list[str]:
    """Top-level functions and classes a mutant redefines."""
    tree = ast.parse(mutant.read_text())
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]


def write_mutant_submission(root: Path, topic: str, mutant: Path, folder: Path) -> Path:
    """A submission folder whose `<topic>.py` is the solution with `mutant` (or a formulation) appended."""
    folder.mkdir(parents=True, exist_ok=True)
    solution = (root / paths.SOLUTIONS / f"{topic}.py").read_text()
    (folder / f"{topic}.py").write_text(f"{solution}\n\n# ---- {mutant.parent.parent.name}: {mutant.name} ----\n"
                                        f"{mutant.read_text()}")
    return folder


def _failed(report: dict) -> list[str]:
    return [t["name"] for t in report["tests"] if t["outcome"] != "passed"]


def warm_grader(worker: Worker):
    """A `grade` function that runs every session in `worker`, paying the heavy imports once."""
    return lambda root, topic, submission, **options: grade_topic_warm(worker, root, topic, submission, **options)


def check_solutions(root: Path, topic: str, isolated: bool, grade=grade_topic) -> Check:
    report = grade(root, topic, "solutions", isolated=isolated)
    mode = "isolated" if isolated else "in-process"
    ok = report["status"] == "ok" and report["max_score"] > 0 and report["score"] == report["max_score"]
    detail = f"{report['score']:g}/{report['max_score']:g}"
    if not ok:
        detail += f"; failed: {', '.join(_failed(report)[:5])} {report.get('error', '')[-500:]}"
    return Check(topic, f"solutions score 100% ({mode})", ok, detail)


def check_stubs(root: Path, topic: str, grade=grade_topic) -> Check:
    report = grade(root, topic, "stubs", isolated=False)
    passed = [t["name"] for t in report["tests"] if t["outcome"] == "passed"]
    ok = report["status"] == "ok" and report["max_score"] > 0 and not passed
    return Check(topic, "stubs score 0", ok,
                 f"{report['score']:g}/{report['max_score']:g}" + (f"; passed: {', '.join(passed[:5])}" if passed else ""))


def check_mutant(root: Path, topic: str, mutant: Path, grade=grade_topic) -> Check:
    with tempfile.TemporaryDirectory(prefix="cvgrade-mutant-", dir=scratch.folder()) as tmp:
        folder = write_mutant_submission(root, topic, mutant, Path(tmp))
        report = grade(root, topic, folder, isolated=False, exitfirst=True)
    failed = _failed(report)
    ok = report["status"] == "ok" and bool(failed)
    return Check(topic, f"mutant {mutant.stem} caught", ok,
                 f"first failure: {failed[0]}" if failed else "no graded test failed")


def check_formulation(root: Path, topic: str, formulation: Path, grade=grade_topic) -> Check:
    with tempfile.TemporaryDirectory(prefix="cvgrade-formulation-", dir=scratch.folder()) as tmp:
        folder = write_mutant_submission(root, topic, formulation, Path(tmp))
        report = grade(root, topic, folder, isolated=False)
    failed = _failed(report)
    ok = report["status"] == "ok" and report["max_score"] > 0 and not failed
    return Check(topic, f"formulation {formulation.stem} scores 100%", ok,
                 f"{report['score']:g}/{report['max_score']:g}" + (f"; failed: {', '.join(failed[:5])}" if failed else ""))


def check_mutant_coverage(root: Path, topic: str) -> Check:
    names = graded_names((root / paths.SOLUTIONS / f"{topic}.py").read_text())
    counts = {name: 0 for name in names}
    for mutant in mutants(root, topic):
        for name in mutated_names(mutant):
            if name in counts:
                counts[name] += 1
    short = {name: n for name, n in counts.items() if n < MIN_MUTANTS}
    return Check(topic, f"every graded name has {MIN_MUTANTS}+ mutants", not short,
                 ", ".join(f"{k}: {v}" for k, v in short.items()) or f"{len(names)} names covered")


def run(root: Path, topics: list[str]):
    """Yield all checks of `topics`, in a fixed order, graded by one warm worker."""
    worker = Worker()
    grade = warm_grader(worker)
    try:
        for topic in topics:
            yield check_solutions(root, topic, False, grade)
            yield check_solutions(root, topic, True, grade)
            yield check_stubs(root, topic, grade)
            yield check_mutant_coverage(root, topic)
            for mutant in mutants(root, topic):
                yield check_mutant(root, topic, mutant, grade)
            for formulation in formulations(root, topic):
                yield check_formulation(root, topic, formulation, grade)
    finally:
        worker.stop()
