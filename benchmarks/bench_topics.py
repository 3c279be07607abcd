"""Figures for the six topics: a student's cold `pytest` per topic, and isolated grading of the solutions.

Run: python benchmarks/bench_topics.py
Goals (issue 3): public tests under 10 s per topic and 45 s for all six; grading the
instructor solutions of all six topics, isolated, under 60 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cvgrade import grading, paths, release


def cold_public_tests(root: Path, topic: str, student: Path) -> tuple[float, int]:
    """Seconds for `pytest tests/test_<topic>.py` in a release holding the solution; pytest's exit code."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{topic}.py", "-q", "-p", "no:cvgrade"],
                          cwd=student, capture_output=True, text=True)
    return time.perf_counter() - start, done.returncode


def main() -> int:
    root = paths.course_root(Path(__file__).parent)
    topics = paths.topics(root)
    with tempfile.TemporaryDirectory() as tmp:
        student = Path(tmp)
        release.write_release(root, student)
        for topic in topics:
            (student / f"{topic}.py").write_text((root / paths.SOLUTIONS / f"{topic}.py").read_text())
        print("student pytest, cold, per topic (public tests against the solution):")
        total = 0.0
        for topic in topics:
            seconds, code = cold_public_tests(root, topic, student)
            total += seconds
            print(f"  {topic:16s} {seconds:6.1f} s  (exit {code})")
        print(f"  {'all six':16s} {total:6.1f} s  (sum of the cold runs)")
    for jobs in (1, 2):
        start = time.perf_counter()
        report = grading.grade(root, "solutions", isolated=True, jobs=jobs)
        seconds = time.perf_counter() - start
        print(f"grading the solutions, isolated, all topics, {jobs} topic(s) at a time: {seconds:.1f} s "
              f"({report['score']:g}/{report['max_score']:g} points)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
