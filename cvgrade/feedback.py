"""What a student is shown about a grading report, and the HTML feedback page.

The policy `CvgradeFeedback` is read from the course's `nbgrader_config.py`
(`c.CvgradeFeedback.*`). With `show_inputs` off, the cases of a parametrized
test (whose ids carry the hidden inputs: seeds, sizes) fold into one row named
after the test; `messages` says how much of a failure message is shown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from traitlets import Bool, Enum
from traitlets.config import Configurable


class CvgradeFeedback(Configurable):
    """How much of the hidden graders a student's feedback reveals (`c.CvgradeFeedback.*` in nbgrader_config.py)."""

    show_inputs = Bool(False, help="list each parametrized case by its test id (reveals hidden inputs)").tag(config=True)
    messages = Enum(["full", "first_line", "none"], "first_line", help="how much of a failure message to show").tag(config=True)
    gradescope_visibility = Enum(["hidden", "after_due_date", "after_published", "visible"], "after_published",
                                 help="visibility of each test in Gradescope's results.json").tag(config=True)


SESSION_FAILED = ("The grader could not finish grading this topic, so no test could be scored. "
                  "This is not a verdict on your code; the course staff have the details.")


@dataclass
class Row:
    """One line of feedback: a test (or a folded group of cases) with its points and message."""

    name: str
    score: float
    max_score: float
    passed: int
    cases: int
    message: str

    @property
    def outcome(self) -> str:
        if self.passed == self.cases:
            return "passed"
        return "failed" if self.passed == 0 else f"{self.passed} of {self.cases} cases passed"


def _shown_message(message: str, policy: CvgradeFeedback) -> str:
    if policy.messages == "none" or not message:
        return ""
    return message if policy.messages == "full" else message.strip().splitlines()[0]


def rows(report: dict, policy: CvgradeFeedback) -> list[Row]:
    """Feedback rows of a report, in grader order, as the policy allows."""
    grouped: dict[str, Row] = {}
    for test in report.get("tests", []):
        name = test["name"] if policy.show_inputs else test["name"].split("[")[0]
        row = grouped.setdefault(name, Row(name, 0, 0, 0, 0, ""))
        row.score += test["points"]
        row.max_score += test["max_points"]
        row.cases += 1
        row.passed += test["outcome"] == "passed"
        if test["outcome"] != "passed" and not row.message:
            row.message = _shown_message(test["message"] or test["outcome"], policy)
    return list(grouped.values())


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }}
.passed {{ color: #176317; }} .failed {{ color: #a11; }}
pre {{ white-space: pre-wrap; margin: 0; }}
</style></head><body>
<h1>{title}</h1>
<p><strong>Score: {score:g} / {max_score:g}</strong></p>
{notice}
<table><tr><th>test</th><th>result</th><th>points</th><th>message</th></tr>
{rows}
</table>
</body></html>
"""


def render(report: dict, policy: CvgradeFeedback, *, student: str, topic: str) -> str:
    """The feedback page (HTML) of one student's report on one topic."""
    notice = "" if report.get("status") == "ok" else f"<p class=\"failed\">{html.escape(SESSION_FAILED)}</p>"
    if (report.get("sandbox") or {}).get("warning"):
        notice += f"<p class=\"failed\"><strong>Warning: {html.escape(report['sandbox']['warning'])}</strong></p>"
    lines = []
    for row in rows(report, policy):
        css = "passed" if row.outcome == "passed" else "failed"
        lines.append(f"<tr class=\"{css}\"><td>{html.escape(row.name)}</td><td>{html.escape(row.outcome)}</td>"
                     f"<td>{row.score:g} / {row.max_score:g}</td><td><pre>{html.escape(row.message)}</pre></td></tr>")
    return PAGE.format(title=html.escape(f"{topic}: autograder feedback for {student}"), score=report.get("score", 0),
                       max_score=report.get("max_score", 0), notice=notice, rows="\n".join(lines))
