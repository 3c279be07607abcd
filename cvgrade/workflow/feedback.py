"""What a student is shown about a grading report, and the HTML feedback page.

The policy `CvgradeFeedback` is read from the course's `nbgrader_config.py`
(`c.CvgradeFeedback.*`). Results are grouped by the graded function each test
checks (its points first, then its cases). With `show_inputs` off, the cases of
a parametrized test (whose ids carry the hidden inputs: seeds, sizes) fold into
one row named after the test; `messages` says how much of a failure message is
shown; `pictures` whether a failed image comparison shows the student's output,
the reference and their difference. The page is static HTML: no script, every
picture inline, every student-controlled text escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from traitlets import Bool, Enum
from traitlets.config import Configurable

OTHER = "other checks"


class CvgradeFeedback(Configurable):
    """How much of the hidden graders a student's feedback reveals (`c.CvgradeFeedback.*` in nbgrader_config.py)."""

    show_inputs = Bool(False, help="list each parametrized case by its test id (reveals hidden inputs)").tag(config=True)
    messages = Enum(["full", "first_line", "none"], "first_line", help="how much of a failure message to show").tag(config=True)
    pictures = Bool(True, help="show a picture (yours, expected, difference) of a failed image-valued result").tag(config=True)
    gradescope_visibility = Enum(["hidden", "after_due_date", "after_published", "visible"], "after_published",
                                 help="visibility of each test in Gradescope's results.json").tag(config=True)


SESSION_FAILED = ("The grader could not finish grading this topic, so no test could be scored. "
                  "This is not a verdict on your code; the course staff have the details.")


@dataclass
class Row:
    """One line of feedback: a test (or a folded group of cases) with its points, message and picture."""

    name: str
    score: float
    max_score: float
    passed: int
    cases: int
    message: str
    picture: dict | None = None

    @property
    def outcome(self) -> str:
        if self.passed == self.cases:
            return "passed"
        return "failed" if self.passed == 0 else f"{self.passed} of {self.cases} cases passed"


@dataclass
class Group:
    """The rows of one graded function, with its points."""

    function: str
    rows: list[Row] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(r.score for r in self.rows)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.rows)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.rows)

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.rows)


def _shown_message(message: str, policy: CvgradeFeedback) -> str:
    if policy.messages == "none" or not message:
        return ""
    return message if policy.messages == "full" else message.strip().splitlines()[0]


def groups(report: dict, policy: CvgradeFeedback) -> list[Group]:
    """Feedback rows of a report grouped by graded function, in grader order, as the policy allows."""
    found: dict[str, Group] = {}
    for test in report.get("tests", []):
        function = test.get("function") or OTHER
        group = found.setdefault(function, Group(function))
        name = test["name"] if policy.show_inputs else test["name"].split("[")[0]
        row = next((r for r in group.rows if r.name == name), None)
        if row is None:
            row = Row(name, 0, 0, 0, 0, "")
            group.rows.append(row)
        row.score += test["points"]
        row.max_score += test["max_points"]
        row.cases += 1
        row.passed += test["outcome"] == "passed"
        if test["outcome"] != "passed" and not row.message:
            row.message = _shown_message(test["message"] or test["outcome"], policy)
        if test["outcome"] != "passed" and row.picture is None and policy.pictures:
            row.picture = test.get("picture")
    return list(found.values())


def rows(report: dict, policy: CvgradeFeedback) -> list[Row]:
    """Every feedback row, function by function."""
    return [row for group in groups(report, policy) for row in group.rows]


def picture_html(picture: dict) -> str:
    """An inline <img> of a picture (see `cvgrade.harness.pictures`); empty if it cannot be drawn."""
    from cvgrade.harness import pictures

    try:
        uri = pictures.data_uri(picture)
    except (KeyError, TypeError, ValueError):
        return ""
    where = f" ({picture['plane']})" if picture.get("plane") else ""
    alt = f"{picture.get('name', 'output')}{where}: your output, the expected one and |difference|; the worst pixel is circled"
    return f'<figure><img src="{uri}" alt="{html.escape(alt)}"><figcaption>{html.escape(alt)}</figcaption></figure>'


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1em; }}
td, th {{ border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
.passed {{ color: #176317; }} .failed {{ color: #a11; }} .warning {{ background: #fff4d6; padding: .6em; }}
pre {{ white-space: pre-wrap; margin: 0; }}
figure {{ margin: .5em 0 0 0; }} figcaption {{ font-size: .8em; color: #555; }}
h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
</style></head><body>
<h1>{title}</h1>
<p><strong>Score: {score:g} / {max_score:g}</strong></p>
{notice}
<table><tr><th>graded function</th><th>points</th><th>cases passed</th></tr>
{summary}
</table>
{sections}
</body></html>
"""


def _section(group: Group) -> str:
    lines = [f"<h2 id=\"{html.escape(group.function)}\">{html.escape(group.function)}: "
             f"{group.score:g} / {group.max_score:g} points</h2>",
             "<table><tr><th>check</th><th>result</th><th>points</th><th>message</th></tr>"]
    for row in group.rows:
        css = "passed" if row.outcome == "passed" else "failed"
        picture = picture_html(row.picture) if row.picture else ""
        lines.append(f"<tr class=\"{css}\"><td>{html.escape(row.name)}</td><td>{html.escape(row.outcome)}</td>"
                     f"<td>{row.score:g} / {row.max_score:g}</td><td><pre>{html.escape(row.message)}</pre>{picture}</td></tr>")
    lines.append("</table>")
    return "\n".join(lines)


def render(report: dict, policy: CvgradeFeedback, *, student: str, topic: str) -> str:
    """The feedback page (HTML) of one student's report on one topic."""
    notices = [] if report.get("status") == "ok" else [f"<p class=\"failed\">{html.escape(SESSION_FAILED)}</p>"]
    found = groups(report, policy)
    summary = "\n".join(f"<tr class=\"{'passed' if g.passed == g.cases else 'failed'}\"><td>"
                        f"<a href=\"#{html.escape(g.function)}\">{html.escape(g.function)}</a></td>"
                        f"<td>{g.score:g} / {g.max_score:g}</td><td>{g.passed} / {g.cases}</td></tr>" for g in found)
    if (report.get("sandbox") or {}).get("warning"):
        notices.append(f"<p class=\"failed\"><strong>Warning: {html.escape(report['sandbox']['warning'])}</strong></p>")
    return PAGE.format(title=html.escape(f"{topic}: autograder feedback for {student}"), score=report.get("score", 0),
                       max_score=report.get("max_score", 0), notice="\n".join(notices), summary=summary,
                       sections="\n".join(_section(g) for g in found))
