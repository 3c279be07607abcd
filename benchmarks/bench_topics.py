"""Figures per topic: a student's cold `pytest`, and the warm isolated grading of the instructor solution.

Run: python benchmarks/bench_topics.py [TOPIC ...]
- cold: `pytest tests/test_<topic>.py` in a fresh release holding the solution, a new
  process each time (what a student waits for); goal under 10 s per topic;
- warm: one warm grading worker grades every topic's solution once (imports, zygotes),
  then again, timed per topic: what a submission costs a running batch; goal under 3 s
  per topic, and one whole submission of every topic under 10 s;
- cold, all topics: `cvgrade grade solutions`, isolated, one and two topics at a time.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cvgrade import paths
from cvgrade.harness import grading
from cvgrade.harness.workers import Worker, grade_topic_warm
from cvgrade.release import stubs


def cold_public_tests(topic: str, student: Path) -> tuple[float, int]:
    """Seconds for `pytest tests/test_<topic>.py` in a release holding the solution; pytest's exit code."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{topic}.py", "-q", "-p", "no:cvgrade"],
                          cwd=student, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def warm_grading(root: Path, topics: list[str]) -> dict[str, tuple[float, dict]]:
    """Topic -> (seconds, report) of the second isolated grading of its solution by one warm worker."""
    worker = Worker()
    try:
        for topic in topics:
            grade_topic_warm(worker, root, topic, "solutions", isolated=True)
        timed = {}
        for topic in topics:
            start = time.perf_counter()
            report = grade_topic_warm(worker, root, topic, "solutions", isolated=True)
            timed[topic] = (time.perf_counter() - start, report)
        return timed
    finally:
        worker.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topic", nargs="*", help="topics (default: all)")
    args = parser.parse_args()
    root = paths.course_root(Path(__file__).parent)
    topics = args.topic or paths.topics(root)
    with tempfile.TemporaryDirectory() as tmp:
        student = Path(tmp)
        stubs.write_release(root, student)
        for topic in topics:
            (student / f"{topic}.py").write_text((root / paths.SOLUTIONS / f"{topic}.py").read_text())
        print("student pytest, cold, per topic (public tests against the solution; goal < 10 s):")
        total = 0.0
        for topic in topics:
            seconds, code = cold_public_tests(topic, student)
            total += seconds
            print(f"  {topic:20s} {seconds:6.1f} s  (exit {code})")
        print(f"  {'all':20s} {total:6.1f} s  (sum of the cold runs)")
    print("grading the solution, isolated, one warm worker, per topic (goal < 3 s):")
    warm = warm_grading(root, topics)
    for topic, (seconds, report) in warm.items():
        print(f"  {topic:20s} {seconds:6.2f} s  ({report['score']:g}/{report['max_score']:g} points, {report['status']})")
    print(f"  {'one whole submission':20s} {sum(s for s, _ in warm.values()):6.2f} s  (every topic; goal < 10 s)")
    for jobs in (1, 2):
        start = time.perf_counter()
        report = grading.grade(root, "solutions", topics, isolated=True, jobs=jobs)
        print(f"cvgrade grade solutions, isolated, cold, {jobs} topic(s) at a time: {time.perf_counter() - start:.1f} s "
              f"({report['score']:g}/{report['max_score']:g} points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
