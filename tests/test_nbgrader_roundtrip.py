"""The whole nbgrader path through nbgrader's own applications, on a temporary course with three students.

cvgrade course release -> nbgrader fetch_assignment / submit (as each student)
-> nbgrader collect -> cvgrade autograde --format gradescope -> nbgrader export.
The exported CSV must hold, to the point, the score each submission earns when
graded directly.
"""

import contextlib
import csv
import json
import os
import subprocess
import sys

import pytest

from cvgrade.harness.grading import grade_topic
from cvgrade.workflow import course as course_mod
from cvgrade.workflow.demo import sample_source

TOPIC = "image_filtering"
STUDENTS = {"alice": "correct", "bob": "stub", "carol": "buggy"}
MANUAL_POINTS = 4  # the two hand-graded written answers of solutions/image_filtering.ipynb (2 + 2)

pytestmark = pytest.mark.slow


def cvgrade(*args, cwd):
    done = subprocess.run([sys.executable, "-m", "cvgrade", *args], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ, CVGRADE_ROOT=""))
    assert done.returncode == 0, f"cvgrade {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def graded_course(root, tmp_path_factory):
    """A course where every student's submission went the whole way and the gradebook was exported."""
    base = tmp_path_factory.mktemp("roundtrip")
    course = course_mod.create_course(base / "course", root, course_id="cv101", exchange=base / "exchange")
    cvgrade("course", "release", TOPIC, cwd=course.root)
    course_mod.add_students(course, list(STUDENTS))
    sources = {}
    for student, kind in STUDENTS.items():
        home = base / "home" / student
        course_mod.fetch(course, [TOPIC], student, home)
        module = home / TOPIC / f"{TOPIC}.py"
        sources[student] = sample_source(root, TOPIC, kind, module.read_text())
        module.write_text(sources[student])
        course_mod.submit(course, TOPIC, student, home)
    course_mod.collect(course, TOPIC)
    out = cvgrade("autograde", TOPIC, "--workers", "2", "--format", "gradescope", cwd=course.root)
    grades = course_mod.export_csv(course, base / "grades.csv")
    with grades.open() as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    return course, sources, rows, out


def direct_score(root, tmp_path, source):
    folder = tmp_path / "direct"
    folder.mkdir(exist_ok=True)
    (folder / f"{TOPIC}.py").write_text(source)
    report = grade_topic(root, TOPIC, folder, isolated=False)
    assert report["status"] == "ok", report.get("error")
    return report["score"], report["max_score"]


def test_exported_csv_holds_every_score_to_the_point(graded_course, root, tmp_path):
    course, sources, rows, _ = graded_course
    assert sorted(rows) == sorted(STUDENTS)
    _, max_score = direct_score(root, tmp_path, sources["alice"])
    expected = {"alice": max_score, "bob": 0.0, "carol": direct_score(root, tmp_path, sources["carol"])[0]}
    assert 0 < expected["carol"] < max_score, "two bugs should cost some points, not all"
    for student, score in expected.items():
        row = rows[student]
        assert row["assignment"] == TOPIC
        assert float(row["raw_score"]) == score, f"{student}: CSV {row['raw_score']}, graded directly {score}"
        assert float(row["score"]) == score
        assert float(row["max_score"]) == max_score + MANUAL_POINTS


def test_each_student_gets_report_feedback_page_and_gradescope_results(graded_course):
    course, _, rows, out = graded_course
    for student in STUDENTS:
        report = json.loads((course.topic_dir("autograded", TOPIC, student) / "cvgrade-report.json").read_text())
        assert report["status"] == "ok" and report["student"] == student
        assert report["score"] == float(rows[student]["raw_score"])
        page = (course.topic_dir("feedback", TOPIC, student) / "autograder.html").read_text()
        assert f"Score: {report['score']:g} / {report['max_score']:g}" in page
        results = json.loads((course.topic_dir("autograded", TOPIC, student) / "results.json").read_text())
        assert results["score"] == report["score"]
        assert sum(t["score"] for t in results["tests"]) == pytest.approx(report["score"], abs=1e-9)
        assert all({"name", "number", "score", "max_score", "status", "output", "visibility"} <= set(t)
                   for t in results["tests"])
        assert f"{student}  " in out


def test_formgrader_sees_autograded_notebook_with_score(graded_course):
    import nbformat

    course, _, rows, _ = graded_course
    notebook = nbformat.read(course.topic_dir("autograded", TOPIC, "carol") / f"{TOPIC}.ipynb", as_version=4)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"cvgrade_{TOPIC}")
    assert f"cvgrade: {float(rows['carol']['raw_score']):g} /" in cell.outputs[0]["text"]


def _schema_and_revision(db: str) -> tuple[list, list]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(db)) as connection:
        schema = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
        return schema.fetchall(), connection.execute("SELECT version_num FROM alembic_version").fetchall()


def test_a_course_gets_the_gradebook_nbgrader_would_make(root, tmp_path, monkeypatch):
    """Tables and alembic revision as nbgrader's `Gradebook` makes them (its `alembic heads` process included); nbgrader
    then opens it as an existing gradebook, without that process."""
    from nbgrader import api

    with api.Gradebook(f"sqlite:///{tmp_path / 'theirs.db'}"):
        pass
    course = course_mod.create_course(tmp_path / "course", root, course_id="cv", exchange=tmp_path / "exchange")
    course_mod.create_gradebook(course)
    assert _schema_and_revision(str(course.root / "gradebook.db")) == _schema_and_revision(str(tmp_path / "theirs.db"))
    monkeypatch.setattr(api, "get_alembic_version", lambda: pytest.fail("nbgrader made the gradebook again"))
    with api.Gradebook(course.db_url, "cv") as book:
        book.update_or_create_student("alice")
    course_mod.create_gradebook(course)  # a course that has a gradebook keeps it
    with api.Gradebook(course.db_url, "cv") as book:
        assert [s.id for s in book.students] == ["alice"]
