"""A grading report in Gradescope's autograder `results.json` format.

One entry per feedback row (so the course's `CvgradeFeedback` decides whether
hidden inputs appear in names and how much of each message is shown), each with
`name`, `score`, `max_score`, `output` and `visibility`.
"""

from __future__ import annotations

from cvgrade.feedback import SESSION_FAILED, CvgradeFeedback, rows


def results(report: dict, policy: CvgradeFeedback) -> dict:
    """Gradescope's results.json content for one report."""
    tests = [{"name": row.name, "score": row.score, "max_score": row.max_score,
              "output": row.outcome + (f": {row.message}" if row.message else ""),
              "visibility": policy.gradescope_visibility}
             for row in rows(report, policy)]
    return {
        "score": report.get("score", 0),
        "output": "" if report.get("status") == "ok" else SESSION_FAILED,
        "visibility": "visible",
        "tests": tests,
    }
