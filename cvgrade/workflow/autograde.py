"""`cvgrade autograde TOPIC`: grade every collected submission of a topic in an nbgrader course.

For each `submitted/<student>/<topic>/`, the text of the student's `<topic>.py`
(a regular file; links and every other file are ignored) is written alone into
a clean folder and graded by the kit's hidden graders in isolated mode, as one
pytest session of a warm worker (`cvgrade.harness.workers`, or one on a Dask cluster:
`cvgrade.harness.dask_pool`). Only this trusted process writes results, all from the
plugin's JSON report:

- `autograded/<student>/<topic>/cvgrade-report.json` (the full report) and the
  submitted notebook with the autograder cell's output filled in (formgrader
  shows it), plus `results.json` with `gradescope=True`;
- `feedback/<student>/<topic>/autograder.html` (as the course's policy allows);
- the score of grade cell `cvgrade_<topic>` in `gradebook.db`.

A submission whose report says `ok` is skipped on the next run unless
`force`; one that could not be graded is retried. A broken submission costs its
own tests only, and a grading session that dies costs its own submission only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import stat
import time
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from cvgrade.harness.workers import WorkerPool
from cvgrade.workflow import feedback, gradebook, gradescope
from cvgrade.workflow.course import Course, grade_cell_id
from cvgrade.workflow.progress import Progress

REPORT, FEEDBACK_PAGE, GRADESCOPE = "cvgrade-report.json", "autograder.html", "results.json"


@dataclass
class Outcome:
    """What happened to one student's submission in a batch."""

    student: str
    score: float
    max_score: float
    status: str  # ok | error | skipped


def module_of(submitted: Path, topic: str) -> Path | None:
    """The student's `<topic>.py` if it is a regular file (not a link, not a folder), else None."""
    path = submitted / f"{topic}.py"
    try:
        return path if stat.S_ISREG(path.lstat().st_mode) else None
    except FileNotFoundError:
        return None


def submitted_source(course: Course, topic: str, student: str) -> tuple[str | None, str | None]:
    """The text of the student's `<topic>.py` (None when missing or not a regular file) and its SHA-256."""
    module = module_of(course.topic_dir("submitted", topic, student), topic)
    if module is None:
        return None, None
    data = module.read_bytes()
    return data.decode("utf-8", errors="replace"), hashlib.sha256(data).hexdigest()


def with_metadata(report: dict, topic: str, student: str, sha256: str | None) -> dict:
    """The report of one student's submission, with who, what and when."""
    report.update(student=student, submission=f"submitted/{student}/{topic}/{topic}.py", submission_sha256=sha256,
                  graded_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    if sha256 is None:
        report["note"] = f"no {topic}.py in the submission (or it was not a regular file)"
    return report


def _collected_timestamp(submitted: Path) -> str | None:
    stamp = submitted / "timestamp.txt"
    return stamp.read_text().strip() if stamp.is_file() else None


def _autograded_notebook(course: Course, topic: str, student: str, report: dict) -> nbformat.NotebookNode:
    """The student's notebook (the released one if theirs is missing or unreadable) with the score shown."""
    try:
        notebook = nbformat.read(course.topic_dir("submitted", topic, student) / f"{topic}.ipynb", as_version=4)
    except Exception:  # missing or not a notebook: formgrader still needs one to show
        notebook = nbformat.read(course.topic_dir("release", topic) / f"{topic}.ipynb", as_version=4)
    text = f"cvgrade: {report['score']:g} / {report['max_score']:g} points; see feedback/{student}/{topic}/{FEEDBACK_PAGE}\n"
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_cell_id(topic):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return notebook


def write_results(course: Course, topic: str, student: str, report: dict, policy: feedback.CvgradeFeedback,
                  *, gradescope_json: bool) -> None:
    """Report, autograded notebook, feedback page and (optionally) Gradescope results of one student."""
    graded = course.topic_dir("autograded", topic, student)
    graded.mkdir(parents=True, exist_ok=True)
    (graded / REPORT).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    submitted = course.topic_dir("submitted", topic, student)
    module = module_of(submitted, topic)
    if module is not None:
        shutil.copyfile(module, graded / f"{topic}.py")
    if (submitted / "timestamp.txt").is_file():
        shutil.copyfile(submitted / "timestamp.txt", graded / "timestamp.txt")
    nbformat.write(_autograded_notebook(course, topic, student, report), graded / f"{topic}.ipynb")
    if gradescope_json:
        (graded / GRADESCOPE).write_text(json.dumps(gradescope.results(report, policy), indent=2) + "\n")
    page = course.topic_dir("feedback", topic, student)
    page.mkdir(parents=True, exist_ok=True)
    (page / FEEDBACK_PAGE).write_text(feedback.render(report, policy, student=student, topic=topic))


def already_graded(course: Course, topic: str, student: str) -> dict | None:
    """The stored report of a submission graded `ok`, else None."""
    path = course.topic_dir("autograded", topic, student) / REPORT
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return report if report.get("status") == "ok" else None


def autograde(course: Course, topic: str, *, workers: int = 1, force: bool = False, gradescope_json: bool = False,
              progress_stream=None, pool=None, **options) -> list[Outcome]:
    """Grade every collected submission of `topic` (see module docstring); one outcome per student, sorted.

    `pool`: warm workers to use (and leave running) instead of `workers` new ones: a
    `WorkerPool`, or a `cvgrade.harness.dask_pool.DaskPool` (anything with `grade(root, topic, source, **options)`).
    """
    return autograde_topics(course, [topic], workers=workers, force=force, gradescope_json=gradescope_json,
                            progress_stream=progress_stream, pool=pool, **options)[topic]


def autograde_topics(course: Course, topics: list[str], *, workers: int = 1, force: bool = False,
                     gradescope_json: bool = False, progress_stream=None, pool=None, **options) -> dict[str, list[Outcome]]:
    """`autograde` of several topics as one batch: every submission is queued at once, so no worker waits for the
    last submission of a topic before it starts on the next; topic -> outcomes."""
    policy = feedback.CvgradeFeedback(config=course.config())
    outcomes: dict[str, dict[str, Outcome]] = {topic: {} for topic in topics}
    todo = []
    for topic in topics:
        for student in course.students(topic):
            previous = None if force else already_graded(course, topic, student)
            if previous is None:
                todo.append((topic, student))
            else:
                outcomes[topic][student] = Outcome(student, previous["score"], previous["max_score"], "skipped")
    bar = Progress(len(todo), stream=progress_stream)
    with gradebook.open_gradebook(course.db_url, course.course_id) as book, contextlib.ExitStack() as own:
        pool = pool or own.enter_context(WorkerPool(min(workers, len(todo) or 1)))
        futures, digests = {}, {}
        for topic, student in todo:
            source, digests[topic, student] = submitted_source(course, topic, student)
            futures[pool.grade(course.kit, topic, source, **options)] = topic, student
        for future in as_completed(futures):
            topic, student = futures[future]
            report = with_metadata(future.result(), topic, student, digests[topic, student])
            write_results(course, topic, student, report, policy, gradescope_json=gradescope_json)
            submitted = course.topic_dir("submitted", topic, student)
            gradebook.record(book, topic, student, report["score"], _collected_timestamp(submitted))
            outcomes[topic][student] = Outcome(student, report["score"], report["max_score"], report["status"])
            bar.advance(f"{student}{f' {topic}' if len(topics) > 1 else ''}: {report['score']:g}/{report['max_score']:g}")
        bar.close()
    return {topic: [found[s] for s in sorted(found)] for topic, found in outcomes.items()}


def outcome_table(topic: str, outcomes: list[Outcome]) -> str:
    """Plain-text table: student, score, max, status."""
    rows = [("student", "score", "max", "status")]
    rows += [(o.student, f"{o.score:g}", f"{o.max_score:g}", o.status) for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return f"{topic}\n" + "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)
