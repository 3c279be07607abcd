"""Batch autograde: feedback policy, Gradescope format, warm workers, resumability, broken submissions, determinism.

The course here is built with nbgrader's Python gradebook API instead of its
command line (test_nbgrader_roundtrip.py covers that path), so the grading
tests stay fast: they grade the NumPy-only topic image_filtering.
"""

import json
import os
import shutil

import pytest

from cvgrade.harness.grading import grade_topic
from cvgrade.harness.workers import Worker, grade_topic_warm
from cvgrade.workflow import autograde, course as course_mod, feedback, gradescope
from cvgrade.workflow.demo import sample_source

TOPIC = "image_filtering"

PICTURE = {"name": "blurred", "plane": "", "step": 1, "worst": [1, 2],
           "actual": [[0.0, 0.0, 0.5], [0.0, 0.0, 1.0]], "expected": [[0.0, 0.0, 0.25], [0.0, 0.0, 0.0]]}
REPORT = {
    "score": 3, "max_score": 6, "status": "ok",
    "tests": [
        {"name": "test_blur[seed=0]", "function": "blur", "points": 2, "max_points": 2, "outcome": "passed",
         "message": ""},
        {"name": "test_blur[seed=1]", "function": "blur", "points": 0, "max_points": 2, "outcome": "failed",
         "message": "output differs at index (3, 4)\nexpected 0.25, got 0.5", "picture": PICTURE},
        {"name": "test_edges", "function": "edges", "points": 1, "max_points": 1, "outcome": "passed", "message": ""},
        {"name": "test_blur_rejects_bad_input", "function": "blur", "points": 0, "max_points": 1, "outcome": "error",
         "message": "the submission crashed"},
    ],
}


def policy(**settings):
    return feedback.CvgradeFeedback(**settings)


# -- feedback and Gradescope -------------------------------------------------------------


def test_rows_are_grouped_by_function_and_hidden_inputs_fold_cases_with_first_message_line():
    found = feedback.groups(REPORT, policy())
    assert [(g.function, g.score, g.max_score, g.passed, g.cases) for g in found] == [
        ("blur", 2, 5, 1, 3), ("edges", 1, 1, 1, 1)]
    assert [(r.name, r.score, r.max_score, r.outcome) for r in found[0].rows] == [
        ("test_blur", 2, 4, "1 of 2 cases passed"), ("test_blur_rejects_bad_input", 0, 1, "failed")]
    assert found[0].rows[0].message == "output differs at index (3, 4)" and found[0].rows[0].picture == PICTURE
    page = feedback.render(REPORT, policy(), student="s1", topic="t")
    assert "seed=" not in page and "expected 0.25" not in page and "Score: 3 / 6" in page
    assert page.index("blur: 2 / 5 points") < page.index("edges: 1 / 1 points")
    assert page.count("<img src=\"data:image/png;base64,") == 1 and "<script" not in page


def test_visible_inputs_full_or_no_messages_and_no_pictures():
    shown = feedback.rows(REPORT, policy(show_inputs=True, messages="full"))
    assert [r.name for r in shown][:2] == ["test_blur[seed=0]", "test_blur[seed=1]"]
    assert shown[1].message.endswith("expected 0.25, got 0.5")
    assert all(r.message == "" for r in feedback.rows(REPORT, policy(messages="none")))
    assert "<img" not in feedback.render(REPORT, policy(pictures=False), student="s1", topic="t")


def test_feedback_page_escapes_student_controlled_text():
    report = dict(REPORT, tests=[dict(REPORT["tests"][1], message="<script>alert(1)</script>")])
    page = feedback.render(report, policy(), student="s1", topic="t")
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_feedback_page_warns_when_the_submission_was_not_sandboxed():
    unsandboxed = dict(REPORT, sandbox={"mode": "rlimits", "warning": "student code is NOT sandboxed: <details>"})
    page = feedback.render(unsandboxed, policy(), student="s1", topic="t")
    assert "Warning: student code is NOT sandboxed: &lt;details&gt;" in page
    sandboxed = dict(REPORT, sandbox={"mode": "landlock", "warning": None})
    assert "Warning" not in feedback.render(sandboxed, policy(), student="s1", topic="t")


def test_policy_is_read_from_the_course_config(tmp_path, root):
    course = course_mod.create_course(tmp_path / "c", root, course_id="x", exchange=tmp_path / "x")
    with (course.root / course_mod.CONFIG).open("a") as f:
        f.write("c.CvgradeFeedback.show_inputs = True\nc.CvgradeFeedback.gradescope_visibility = 'visible'\n")
    loaded = feedback.CvgradeFeedback(config=course.config())
    assert loaded.show_inputs is True and loaded.messages == "first_line" and loaded.gradescope_visibility == "visible"


def test_gradescope_results_follow_the_format():
    results = gradescope.results(REPORT, policy(), execution_time=12.4)
    assert results["score"] == 3 and results["execution_time"] == 12
    assert [(t["number"], t["name"], t["score"], t["max_score"], t["status"], t["visibility"]) for t in results["tests"]] == [
        ("1.1", "blur: test_blur", 2, 4, "failed", "after_published"),
        ("1.2", "blur: test_blur_rejects_bad_input", 0, 1, "failed", "after_published"),
        ("2.1", "edges: test_edges", 1, 1, "passed", "after_published")]
    first = results["tests"][0]
    assert first["output_format"] == "html" and first["output"].startswith(
        "<pre>1 of 2 cases passed: output differs at index (3, 4)</pre><figure><img src=\"data:image/png;base64,")
    assert results["tests"][1]["output"] == "failed: the submission crashed" and "output_format" not in results["tests"][1]
    failed = gradescope.results(dict(REPORT, status="error"), policy())
    assert failed["output"] == feedback.SESSION_FAILED


# -- warm workers -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def buggy_folder(root, tmp_path_factory):
    folder = tmp_path_factory.mktemp("buggy")
    stub = (root / "assignments" / f"{TOPIC}.py").read_text()
    (folder / f"{TOPIC}.py").write_text(sample_source(root, TOPIC, "buggy", stub))
    return folder


def _verdicts(report):
    return [(t["id"], t["outcome"], t["points"]) for t in report["tests"]]


@pytest.mark.slow
def test_warm_worker_sessions_match_a_fresh_pytest_process(root, buggy_folder):
    fresh = grade_topic(root, TOPIC, buggy_folder, isolated=True)
    worker = Worker()
    try:
        first = grade_topic_warm(worker, root, TOPIC, buggy_folder, isolated=True)
        second = grade_topic_warm(worker, root, TOPIC, buggy_folder, isolated=True)
        solutions = grade_topic_warm(worker, root, TOPIC, "solutions", isolated=True)
    finally:
        worker.stop()
    assert fresh["status"] == first["status"] == second["status"] == "ok"
    assert 0 < fresh["score"] < fresh["max_score"]
    assert _verdicts(first) == _verdicts(second) == _verdicts(fresh)
    assert solutions["score"] == solutions["max_score"] == fresh["max_score"]
    assert worker.sessions == 3 and 0 < worker.peak_rss_mb < 2048


@pytest.mark.slow
def test_a_worker_that_runs_too_long_loses_that_job_only(root, tmp_path):
    (tmp_path / f"{TOPIC}.py").write_text("import time\ntime.sleep(5)\n")  # the session outlasts the job's 0.5 s
    worker = Worker(job_timeout=0.5)
    try:
        lost = grade_topic_warm(worker, root, TOPIC, tmp_path, isolated=True)
        worker.job_timeout = 600
        kept = grade_topic_warm(worker, root, TOPIC, "solutions", isolated=True)
    finally:
        worker.stop()
    assert lost["status"] == "error" and lost["score"] == 0 and "ran past 0.5 s" in lost["error"]
    assert kept["status"] == "ok" and kept["score"] == kept["max_score"] > 0


# -- batch autograde ----------------------------------------------------------------------


@pytest.fixture
def course(root, tmp_path):
    """A course with TOPIC in its gradebook (through nbgrader's API) and four collected submissions."""
    from nbgrader.api import Gradebook

    course = course_mod.create_course(tmp_path / "course", root, course_id="cv", exchange=tmp_path / "exchange")
    course_mod.create_gradebook(course)
    points = course_mod.topic_points(root, [TOPIC])[TOPIC]
    source = course_mod.assemble_source(course, TOPIC, points)
    release = course.topic_dir("release", TOPIC)
    shutil.copytree(source, release)
    with Gradebook(course.db_url, "cv") as book:
        book.update_or_create_assignment(TOPIC)
        book.update_or_create_notebook(TOPIC, TOPIC)
        book.update_or_create_grade_cell(course_mod.grade_cell_id(TOPIC), TOPIC, TOPIC, max_score=points,
                                         cell_type="code")
    stub = (source / f"{TOPIC}.py").read_text()
    modules = {"good": sample_source(root, TOPIC, "correct", stub), "bugs": sample_source(root, TOPIC, "buggy", stub),
               "syntax": "def gaussian_kernel(:\n", "linked": None, "empty": None}
    for student, text in modules.items():
        folder = course.topic_dir("submitted", TOPIC, student)
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-01-15 10:00:00.000000 UTC")
        if text is not None:
            (folder / f"{TOPIC}.py").write_text(text)
    os.symlink(root / "solutions" / f"{TOPIC}.py", course.topic_dir("submitted", TOPIC, "linked") / f"{TOPIC}.py")
    return course, points


def _auto_scores(course):
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url, "cv") as book:
        return {s.student.id: s.score for s in book.find_assignment(TOPIC).submissions}


@pytest.mark.slow
def test_batch_grades_everyone_resumes_and_regrades_deterministically(course, capsys):
    course, points = course
    outcomes = {o.student: o for o in autograde.autograde(course, TOPIC, workers=2)}
    assert {s: o.status for s, o in outcomes.items()} == dict.fromkeys(["bugs", "empty", "good", "linked", "syntax"], "ok")
    assert outcomes["good"].score == points and 0 < outcomes["bugs"].score < points
    assert outcomes["syntax"].score == outcomes["empty"].score == outcomes["linked"].score == 0
    assert _auto_scores(course) == {s: o.score for s, o in outcomes.items()}
    linked = json.loads((course.topic_dir("autograded", TOPIC, "linked") / autograde.REPORT).read_text())
    assert "not a regular file" in linked["note"]
    progress = capsys.readouterr().err
    assert "5/5 submissions" in progress and "left" in progress

    again = autograde.autograde(course, TOPIC, workers=1)
    assert {o.status for o in again} == {"skipped"} and [o.score for o in again] == [outcomes[s].score for s in sorted(outcomes)]

    report_path = course.topic_dir("autograded", TOPIC, "bugs") / autograde.REPORT
    before = json.loads(report_path.read_text())
    forced = {o.student: o for o in autograde.autograde(course, TOPIC, workers=1, force=True)}
    after = json.loads(report_path.read_text())
    assert forced["bugs"].status == "ok"
    before.pop("graded_at"), after.pop("graded_at")
    assert before == after, "grading the same submission twice must give the same report"
    page = (course.topic_dir("feedback", TOPIC, "syntax") / autograde.FEEDBACK_PAGE).read_text()
    assert "SyntaxError" in page or "syntax" in page.lower()


@pytest.mark.slow
def test_a_dask_cluster_grades_like_the_local_pool(course):
    from cvgrade.harness.dask_pool import DaskPool

    course, points = course
    local = {o.student: o for o in autograde.autograde(course, TOPIC, workers=2)}
    reports = {s: json.loads((course.topic_dir("autograded", TOPIC, s) / autograde.REPORT).read_text()) for s in local}
    with DaskPool("local:2") as pool:
        remote = {o.student: o for o in autograde.autograde(course, TOPIC, pool=pool, force=True)}
    assert {s: (o.score, o.status) for s, o in remote.items()} == {s: (o.score, o.status) for s, o in local.items()}
    for student, before in reports.items():
        after = json.loads((course.topic_dir("autograded", TOPIC, student) / autograde.REPORT).read_text())
        before.pop("graded_at"), after.pop("graded_at")
        assert after == before, f"{student}: the Dask report differs from the local pool's"
    assert _auto_scores(course) == {s: o.score for s, o in remote.items()}
