"""The demo's bundled students on every topic: the malicious sample earns nothing, the buggy one loses some points.

The malicious sample (`samples/malicious.py` appended to the stub) fakes results,
patches comparisons and replaces every function by one that returns an array that
claims to equal anything: a grader test that such code passes checks nothing. The
buggy sample carries two mutants of two different graded names. Each is graded in
isolated mode, as `cvgrade autograde` grades it, by one warm worker.
"""

import pytest

from cvgrade import paths
from cvgrade.harness.workers import Worker, grade_source
from cvgrade.release import stubs
from cvgrade.workflow.demo import sample_source
from course_paths import ROOT, TOPICS


@pytest.fixture(scope="module")
def reports():
    """(topic, kind) -> the report of that sample."""
    worker = Worker()
    found = {}
    try:
        for topic in TOPICS:
            solution = ROOT / paths.SOLUTIONS / f"{topic}.py"
            stub = stubs.strip_solutions(solution.read_text(), topic, str(solution))
            for kind in ("malicious", "buggy"):
                found[topic, kind] = grade_source(worker, ROOT, topic, sample_source(ROOT, topic, kind, stub))
    finally:
        worker.stop()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("topic", TOPICS)
def test_the_malicious_sample_earns_nothing(reports, topic):
    report = reports[topic, "malicious"]
    assert report["status"] == "ok" and report["max_score"] > 0
    assert [t["id"] for t in report["tests"] if t["outcome"] == "passed"] == []


@pytest.mark.slow
@pytest.mark.parametrize("topic", TOPICS)
def test_the_buggy_sample_loses_some_points(reports, topic):
    report = reports[topic, "buggy"]
    assert report["status"] == "ok" and 0 < report["score"] < report["max_score"]
