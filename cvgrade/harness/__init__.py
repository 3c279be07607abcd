"""The grading harness: the pytest plugin, the grader's view of a submission, reports, grading sessions and warm workers."""
