"""Grading sessions: a looping function loses only its own tests, and the JSON report says everything."""

import json
import subprocess
import sys

import pytest

from cvgrade import paths
from cvgrade.harness import grading

TOPIC = "image_filtering"
LOOPING = "\n\ndef sobel_gradients(image):\n    while True:\n        pass\n"


@pytest.mark.parametrize("isolated", [False, True], ids=["in-process", "isolated"])
def test_endless_loop_loses_that_function_and_keeps_the_rest(root, tmp_path, isolated):
    solution = (root / paths.SOLUTIONS / f"{TOPIC}.py").read_text()
    (tmp_path / f"{TOPIC}.py").write_text(solution + LOOPING)
    report = grading.grade_topic(root, TOPIC, tmp_path, isolated=isolated, call_timeout=1.5)
    assert report["status"] == "ok"
    failed = [t for t in report["tests"] if t["outcome"] != "passed"]
    passed = [t for t in report["tests"] if t["outcome"] == "passed"]
    assert failed and passed
    for test in failed:
        assert f"{TOPIC}.sobel_gradients did not return within 1.5 s" in test["message"], test
        assert test["points"] == 0
    assert report["score"] == report["max_score"] - sum(t["max_points"] for t in failed)


def test_cli_grade_writes_the_json_report(root, tmp_path):
    path = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "cvgrade", "grade", "stubs", "--topic", TOPIC, "--report", str(path)],
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(path.read_text())
    assert set(report) >= {"submission", "isolation", "device", "score", "max_score", "topics", "tests", "versions"}
    assert report["isolation"] == "isolated" and report["device"] == "cpu"
    assert report["score"] == 0 and report["max_score"] == report["topics"][TOPIC]["max_score"] > 0
    assert report["versions"]["numpy"] and report["versions"]["cvgrade"]
    for test in report["tests"]:
        assert set(test) == {"id", "name", "topic", "function", "points", "max_points", "outcome", "message",
                             "error_ratio"}
        assert test["outcome"] == "failed" and test["points"] == 0 and test["max_points"] > 0
        assert "not implemented yet" in test["message"], test
    assert f"{TOPIC}" in done.stdout and "total" in done.stdout


def test_missing_module_scores_zero_with_a_clear_message(root, tmp_path):
    report = grading.grade_topic(root, TOPIC, tmp_path, isolated=True)
    assert report["status"] == "ok" and report["score"] == 0
    assert all(f"{TOPIC}.py is missing from the submission" in t["message"] for t in report["tests"])


def test_failed_image_results_carry_one_picture_per_test_function(root, tmp_path):
    solution = (root / paths.SOLUTIONS / f"{TOPIC}.py").read_text()
    (tmp_path / f"{TOPIC}.py").write_text(solution + "\n\ndef erode(mask, size):\n    return mask.copy()\n")
    report = grading.grade_topic(root, TOPIC, tmp_path, isolated=False)
    failed = [t for t in report["tests"] if t["outcome"] == "failed"]
    assert failed and {t["function"] for t in failed} <= {"erode", "opening", "closing"}
    with_pictures = [t for t in report["tests"] if "picture" in t]
    functions = [t["name"].split("[")[0] for t in with_pictures]
    assert with_pictures and len(functions) == len(set(functions))
    assert all(t["outcome"] == "failed" and t["picture"]["actual"] for t in with_pictures)


def test_every_graded_test_belongs_to_a_graded_name(root, tmp_path):
    report = tmp_path / "collected.json"
    subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "--rootdir",
                    str(root), f"--report={report}", *(str(root / paths.GRADERS / f"test_{t}.py") for t in paths.topics(root))],
                   cwd=root, capture_output=True, text=True, timeout=600)
    tests = json.loads(report.read_text())["tests"]
    assert {t["topic"] for t in tests} == set(paths.topics(root))
    assert [t["id"] for t in tests if t["function"] is None] == [], "set GRADED_ALIASES in the grader"
