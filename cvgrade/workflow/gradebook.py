"""Autograder scores into nbgrader's gradebook.

Each topic's notebook carries one locked grade cell `cvgrade_<topic>` (see
`cvgrade.workflow.course`); recording a report sets that cell's `auto_score` in the
student's submission, creating the student and the submission (with the
collected timestamp) when needed, so `nbgrader export` and formgrader show the
score next to the hand-graded cells.
"""

from __future__ import annotations

import warnings

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import parse_utc
from sqlalchemy.exc import SAWarning

from cvgrade.workflow.course import grade_cell_id


def record(gradebook: Gradebook, topic: str, student: str, score: float, timestamp: str | None) -> None:
    """Set `student`'s autograder score for `topic` (the assignment and its notebook are named after the topic)."""
    gradebook.update_or_create_student(student)
    try:
        submission = gradebook.find_submission(topic, student)
    except MissingEntry:
        with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy 2's autoflush warnings
            warnings.simplefilter("ignore", SAWarning)
            submission = gradebook.add_submission(topic, student, **({"timestamp": timestamp} if timestamp else {}))
    if timestamp:
        submission.timestamp = parse_utc(timestamp)
    grade = gradebook.find_grade(grade_cell_id(topic), topic, topic, student)
    grade.auto_score = score
    gradebook.db.commit()


def open_gradebook(db_url: str, course_id: str) -> Gradebook:
    return Gradebook(db_url, course_id)
