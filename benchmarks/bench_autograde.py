"""Seconds per submission: `cvgrade autograde` against `nbgrader autograde`, same submissions, same checks.

    python benchmarks/bench_autograde.py [--topic image_filtering] [--students 24]

Two temporary nbgrader courses get the same student modules (correct, buggy and
stub, in turn):

- cvgrade: the topic released by `cvgrade course release`; `cvgrade autograde`
  grades every submission in isolated mode, with 1 and then 2 warm workers.
- nbgrader: an assignment whose notebook holds the module as its answer cell
  (`%%writefile <topic>.py`) and one autograded test cell per grader test
  function, worth the same points, that runs exactly that grader on the module
  in the kernel; `nbgrader autograde` executes every notebook. A cell passes or
  fails whole, so a test function with some failing cases earns nothing there:
  partly buggy submissions score lower on that side, by that and nothing else.

Both sides are timed as one command over all students (start-up included):
seconds per submission and the ratio. The pool is then timed warm (its workers
have graded once, so what remains is the work per submission), with 1 and 2
workers, and on a Dask LocalCluster of 1 and 2 worker processes (`--scheduler
local:N`), over `--rounds` rounds: a single pair of runs on a shared 2-core
machine differs by ±15 % from noise alone, and one worker process can stay that
much faster or slower than another for its whole life. So each round starts a
local pool and a cluster of the size afresh, side by side, and times each once,
taking turns. Printed: the median seconds per submission of each, the speed-up,
Dask's overhead per submission against the local pool, and every round's
figure; last, the peak memory of each warm local worker of the last round.
Figures only: nothing is asserted. `--no-nbgrader` skips the nbgrader side (the
pools' figures only).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cvgrade.harness import grading  # noqa: E402
from cvgrade.harness.dask_pool import DaskPool  # noqa: E402
from cvgrade.harness.workers import WorkerPool  # noqa: E402
from cvgrade.release.stubs import strip_solutions  # noqa: E402
from cvgrade.workflow import course as course_mod  # noqa: E402
from cvgrade.workflow.autograde import autograde  # noqa: E402
from cvgrade.workflow.demo import sample_source  # noqa: E402

KINDS = ("correct", "buggy", "stub")


def grader_functions(kit: Path, topic: str) -> dict[str, float]:
    """Grader test function name -> its total points, from a collection."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        subprocess.run(grading.pytest_command(kit, topic, "solutions", report, isolated=False) + ["--collect-only"],
                       cwd=kit, capture_output=True, check=False)
        tests = json.loads(report.read_text())["tests"]
    points: dict[str, float] = defaultdict(float)
    for test in tests:
        points[test["name"].split("[")[0]] += test["max_points"]
    return dict(points)


def nbgrader_notebook(kit: Path, topic: str, module: str, functions: dict[str, float]) -> nbformat.NotebookNode:
    """The equivalent notebook: the module as the answer cell, one grader function per test cell."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    answer = nbformat.v4.new_code_cell(f"%%writefile {topic}.py\n{module}")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False, "task": False,
                                   "grade_id": "answer", "schema_version": 3}
    notebook.cells.append(answer)
    for i, (name, points) in enumerate(functions.items()):
        cell = nbformat.v4.new_code_cell(
            "import os, pytest\n"
            f"assert pytest.main([{str(kit / 'graders' / f'test_{topic}.py')!r} + '::{name}', '--rootdir', {str(kit)!r},\n"
            "                    '-q', '-p', 'no:cacheprovider', '--submission=' + os.getcwd(),\n"
            "                    '--isolation=in-process']) == 0\n")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "task": False,
                                     "grade_id": f"check_{i}", "points": points, "schema_version": 3}
        notebook.cells.append(cell)
    return notebook


def timed(command: list[str], cwd: Path) -> float:
    start = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return elapsed


def warm_rounds(course: course_mod.Course, topic: str, size: int, rounds: int) -> tuple[dict[str, list[float]], list]:
    """Pool name ("local", "dask") -> seconds for grading every submission, in each of `rounds` rounds, with pools of
    `size` workers; and the peak memory of the last round's local workers.

    Every round starts both pools afresh (new worker processes: one process can stay
    faster or slower than another for its whole life), has each grade the batch once
    (imports, zygotes), then times each once, in alternating order, so that a slow
    spell of the machine falls on both sides alike.
    """
    seconds: dict[str, list[float]] = {"local": [], "dask": []}
    for turn in range(rounds):
        with WorkerPool(size) as local, DaskPool(f"local:{size}") as cluster:
            pools = {"local": local, "dask": cluster}
            for pool in pools.values():
                autograde(course, topic, force=True, pool=pool, progress_stream=io.StringIO())
            for name in (list(pools) if turn % 2 == 0 else list(reversed(pools))):
                start = time.monotonic()
                autograde(course, topic, force=True, pool=pools[name], progress_stream=io.StringIO())
                seconds[name].append(time.monotonic() - start)
            peaks = [w.peak_rss_mb for w in local.workers]
    return seconds, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", default="image_filtering")
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--no-nbgrader", action="store_true", help="time the cvgrade pools only")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds per pool size, each with fresh pools (default 5): medians are reported")
    args = parser.parse_args()
    kit, topic = course_mod.kit_root(), args.topic
    base = Path(tempfile.mkdtemp(prefix="cvgrade-bench-"))
    stub = strip_solutions((kit / "solutions" / f"{topic}.py").read_text(), topic)
    students = {f"s{i:02d}": sample_source(kit, topic, KINDS[i % len(KINDS)], stub) for i in range(args.students)}

    ours = course_mod.create_course(base / "cvgrade", kit, course_id="bench", exchange=base / "x1")
    course_mod.release_topics(ours, [topic])
    theirs = course_mod.create_course(base / "nbgrader", kit, course_id="bench", exchange=base / "x2")
    functions = grader_functions(kit, topic)
    (theirs.root / "source" / topic).mkdir(parents=True)
    nbformat.write(nbgrader_notebook(kit, topic, stub, functions), theirs.root / "source" / topic / f"{topic}.ipynb")
    course_mod.require_success(theirs.api().generate_assignment(topic, force=True), f"generate_assignment {topic}")
    for student, module in students.items():
        (ours.topic_dir("submitted", topic, student)).mkdir(parents=True)
        (ours.topic_dir("submitted", topic, student) / f"{topic}.py").write_text(module)
        theirs.topic_dir("submitted", topic, student).mkdir(parents=True)
        nbformat.write(nbgrader_notebook(kit, topic, module, functions),
                       theirs.topic_dir("submitted", topic, student) / f"{topic}.ipynb")
    course_mod.add_students(theirs, list(students))

    n = len(students)
    cli = [sys.executable, "-m", "cvgrade", "autograde", topic, "--force"]
    one = timed(cli + ["--workers", "1"], ours.root) / n
    two = timed(cli + ["--workers", "2"], ours.root) / n
    rounds: dict[int, dict[str, list[float]]] = {}  # pool size -> pool name -> seconds per round
    for size in (1, 2):
        rounds[size], peaks = warm_rounds(ours, topic, size, args.rounds)
    nb = None if args.no_nbgrader else timed([sys.executable, "-m", "nbgrader", "autograde", topic, "--force"],
                                             theirs.root) / n

    print(f"topic {topic}, {n} submissions ({', '.join(KINDS)} in turn), {os.cpu_count()} CPUs, courses in {base}")
    print(f"{'whole command, start-up included':36}{'s/submission':>14}")
    if nb is not None:
        print(f"{'  nbgrader autograde':36}{nb:14.2f}")
        print(f"{'  cvgrade autograde, 1 worker':36}{one:14.2f}   {nb / one:5.1f}x faster than nbgrader")
    else:
        print(f"{'  cvgrade autograde, 1 worker':36}{one:14.2f}")
    print(f"{'  cvgrade autograde, 2 workers':36}{two:14.2f}   {one / two:5.2f}x speed-up over 1 worker")
    (local_one, dask_one), (local_two, dask_two) = (
        (statistics.median(rounds[size]["local"]) / n, statistics.median(rounds[size]["dask"]) / n) for size in (1, 2))
    print(f"warm (each worker has graded once): median of {args.rounds} rounds, the local pool and a Dask LocalCluster "
          "(--scheduler local:N) of the same size, started afresh each round, taking turns")
    print(f"{'  local pool, 1 worker':36}{local_one:14.2f}"
          + (f"   {nb / local_one:5.1f}x faster than nbgrader" if nb else ""))
    print(f"{'  local pool, 2 workers':36}{local_two:14.2f}   {local_one / local_two:5.2f}x speed-up over 1 worker")
    print(f"{'  Dask, 1 worker process':36}{dask_one:14.2f}   overhead {100 * (dask_one / local_one - 1):+5.1f}% "
          "against the local pool")
    print(f"{'  Dask, 2 worker processes':36}{dask_two:14.2f}   overhead {100 * (dask_two / local_two - 1):+5.1f}% "
          f"against the local pool; {dask_one / dask_two:5.2f}x speed-up over 1")
    for size, by_pool in rounds.items():
        print(f"  rounds, {size} worker(s), s/submission: " + "; ".join(
            f"{name} " + " ".join(f"{t / n:.3f}" for t in times) for name, times in by_pool.items()))
    print("peak memory per local worker (last round): " + ", ".join(f"{p:.0f} MB" for p in peaks))
    ours_csv = course_mod.export_csv(ours, base / "ours.csv")
    if nb is not None:
        print(f"scores: cvgrade {ours_csv}, nbgrader {course_mod.export_csv(theirs, base / 'theirs.csv')}")


if __name__ == "__main__":
    main()
