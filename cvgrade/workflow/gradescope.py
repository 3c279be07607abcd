"""A grading report in Gradescope's autograder `results.json` format.

One entry per feedback row (so the course's `CvgradeFeedback` decides whether
hidden inputs appear in names and how much of each message is shown), named
`<graded function>: <check>` and numbered `<function>.<check>` so Gradescope
lists them function by function, each with `score`, `max_score`, `status`,
`output` and `visibility`. A row with a picture of a failed image comparison
has HTML output with the picture inline.
"""

from __future__ import annotations

import html

from cvgrade.workflow.feedback import SESSION_FAILED, CvgradeFeedback, groups, picture_html


def _test(number: str, function: str, row, policy: CvgradeFeedback) -> dict:
    text = row.outcome + (f": {row.message}" if row.message else "")
    entry = {"name": f"{function}: {row.name}", "number": number, "score": row.score, "max_score": row.max_score,
             "status": "passed" if row.outcome == "passed" else "failed", "output": text,
             "visibility": policy.gradescope_visibility}
    picture = picture_html(row.picture) if row.picture else ""
    if picture:
        entry.update(output=f"<pre>{html.escape(text)}</pre>{picture}", output_format="html")
    return entry


def results(report: dict, policy: CvgradeFeedback, execution_time: float | None = None) -> dict:
    """Gradescope's results.json content for one report (`execution_time` in seconds, when known)."""
    tests = [_test(f"{i}.{j}", group.function, row, policy)
             for i, group in enumerate(groups(report, policy), 1) for j, row in enumerate(group.rows, 1)]
    result = {
        "score": report.get("score", 0),
        "output": "" if report.get("status") == "ok" else SESSION_FAILED,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
    if execution_time is not None:
        result["execution_time"] = round(execution_time)
    return result
