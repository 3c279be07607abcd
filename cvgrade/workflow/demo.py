"""`cvgrade demo`: the whole instructor workflow on bundled data, in a temporary nbgrader course.

Every topic is released through nbgrader (its Python API, in this process); four
simulated students fetch it and submit one kind of sample each (derived at run time, so nothing is duplicated):

- correct: the instructor solution;
- stub: the released module, untouched;
- buggy: the solution with two mutants (`tests/mutants/<topic>/`) of two
  different graded names appended;
- malicious: the stub with `samples/malicious.py` appended (fake results, fake
  report files, patched comparisons, objects that claim to equal anything).

The warm workers start first: they collect each topic's points for the release
and start their zygotes while nbgrader works. The instructor collects,
`autograde`s every topic as one batch with a progress bar, and exports the
gradebook; the demo prints the grade table and the paths of the feedback pages
and the CSV.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from cvgrade import paths
from cvgrade.harness.workers import WorkerPool
from cvgrade.release.selfcheck import mutants, mutated_names
from cvgrade.workflow import autograde, course as course_mod

STUDENTS = {"ada": "correct", "ben": "stub", "cyd": "buggy", "dee": "malicious"}
MALICIOUS_TAIL = Path("samples") / "malicious.py"


def two_bugs(kit: Path, topic: str) -> list[Path]:
    """The first two mutants (sorted) that redefine disjoint graded names."""
    chosen: list[Path] = []
    taken: set[str] = set()
    for mutant in mutants(kit, topic):
        names = set(mutated_names(mutant))
        if names and not names & taken:
            chosen.append(mutant)
            taken |= names
        if len(chosen) == 2:
            return chosen
    raise ValueError(f"{topic}: needs mutants of two different graded names")


def sample_source(kit: Path, topic: str, kind: str, stub: str) -> str:
    """The `<topic>.py` a student of this kind submits; `stub` is the released module."""
    solution = (kit / paths.SOLUTIONS / f"{topic}.py").read_text()
    if kind == "correct":
        return solution
    if kind == "stub":
        return stub
    if kind == "buggy":
        return solution + "".join(f"\n\n# ---- bug: {m.stem} ----\n{m.read_text()}" for m in two_bugs(kit, topic))
    if kind == "malicious":
        return stub + "\n\n" + (kit / MALICIOUS_TAIL).read_text()
    raise ValueError(f"unknown sample kind {kind!r}")


def student_work(course: course_mod.Course, topics: list[str], student: str, kind: str, home: Path) -> None:
    """Fetch every topic, write this kind's module into each, submit each."""
    course_mod.fetch(course, topics, student, home)
    for topic in topics:
        module = home / topic / f"{topic}.py"
        module.write_text(sample_source(course.kit, topic, kind, module.read_text()))
        course_mod.submit(course, topic, student, home)


def grade_table(topics: list[str], scores: dict[tuple[str, str], autograde.Outcome]) -> str:
    rows = [("student", "sample", *topics, "total")]
    for student, kind in STUDENTS.items():
        outcomes = [scores[(student, t)] for t in topics]
        rows.append((student, kind, *(f"{o.score:g}/{o.max_score:g}" for o in outcomes),
                     f"{sum(o.score for o in outcomes):g}/{sum(o.max_score for o in outcomes):g}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def run(workers: int = 2, keep: Path | None = None, topics: list[str] | None = None) -> int:
    start = time.monotonic()
    kit = course_mod.kit_root()
    topics = topics or paths.topics(kit)
    base = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="cvgrade-demo-"))
    course = course_mod.create_course(base / "course", kit, course_id="cvgrade-demo", exchange=base / "exchange")

    def step(text: str) -> None:
        print(f"[{time.monotonic() - start:5.0f} s] {text}", flush=True)

    with WorkerPool(workers) as pool:  # started first: its workers collect the points, warming up for grading
        step(f"course {course.root}; releasing {len(topics)} topics through nbgrader: {', '.join(topics)}")
        course_mod.release_topics(course, topics, pool=pool)
        course_mod.add_students(course, list(STUDENTS))
        step(f"students {', '.join(f'{s} ({k})' for s, k in STUDENTS.items())} fetch and submit")
        for student, kind in STUDENTS.items():
            student_work(course, topics, student, kind, base / "home" / student)
        step("instructor collects")
        for topic in topics:
            course_mod.collect(course, topic)
        step(f"autograde {len(topics)} topics as one batch ({workers} warm workers)")
        batch = autograde.autograde_topics(course, topics, pool=pool, force=True, progress_stream=sys.stdout)
        scores = {(outcome.student, topic): outcome for topic, outcomes in batch.items() for outcome in outcomes}
        peaks = [f"{w.peak_rss_mb:.0f} MB" for w in pool.workers if w.sessions]
    grades_csv = course_mod.export_csv(course, base / "grades.csv")
    step("done\n")
    print(grade_table(topics, scores))
    print(f"\npeak memory per worker: {', '.join(peaks)}")
    print(f"feedback pages: {course.root / 'feedback'}/<student>/<topic>/{autograde.FEEDBACK_PAGE}, e.g.")
    for student in STUDENTS:
        print(f"  {course.topic_dir('feedback', topics[0], student) / autograde.FEEDBACK_PAGE}")
    print(f"reports:        {course.root / 'autograded'}/<student>/<topic>/{autograde.REPORT}")
    print(f"gradebook:      {course.root / 'gradebook.db'} (formgrader: run `jupyter lab` in {course.root})")
    with grades_csv.open() as f:
        print(f"grades CSV:     {grades_csv} ({sum(1 for _ in csv.DictReader(f))} rows, from `nbgrader export`)")
    return 0
