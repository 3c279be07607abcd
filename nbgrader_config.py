"""nbgrader configuration of a cvgrade course.

This folder is the course directory: `cvgrade course release TOPIC` assembles
nbgrader's `source/TOPIC/` here and runs nbgrader's `generate_assignment` and
`release_assignment`; students `nbgrader fetch_assignment` and `nbgrader submit`;
`nbgrader collect`, then `cvgrade autograde TOPIC` grades `submitted/` and records
the scores in `gradebook.db`, where `nbgrader export` and formgrader find them.
Temporary courses (the demo, the tests) load this file and override the paths.
"""

import os

c = get_config()  # noqa: F821  (injected by traitlets)

c.CourseDirectory.course_id = os.environ.get("CVGRADE_COURSE_ID", "cvgrade")
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.Exchange.root = os.environ.get("CVGRADE_EXCHANGE", "/srv/nbgrader/exchange")

# What a student's feedback page (feedback/<student>/<topic>/autograder.html) shows.
# show_inputs: list every parametrized case by its test id (seeds, sizes: the hidden
#   inputs); when False, cases of one test are folded into one row ("2 of 3 cases passed").
# messages: "full" (the whole failure message), "first_line", or "none".
c.CvgradeFeedback.show_inputs = False
c.CvgradeFeedback.messages = "first_line"
# Gradescope visibility of each test in results.json: "hidden", "after_due_date",
# "after_published" or "visible".
c.CvgradeFeedback.gradescope_visibility = "after_published"
