"""The Gradescope autograder zip: unpacked into a fake /autograder, its run_autograder grades like `cvgrade grade`.

The zip is built for image_filtering and unpacked under a temporary root laid out as
Gradescope lays it out (`autograder/source`, `autograder/submission`,
`autograder/results`), reached through the `CVGRADE_GRADESCOPE_ROOT` prefix. The four
demo samples (correct, untouched stub, buggy, malicious) are graded by `run_autograder`
and by `cvgrade grade`'s own function; `results.json` must follow Gradescope's
documented schema and agree with the report point for point.
"""

import json
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import pytest

from cvgrade import paths
from cvgrade.harness.workers import Worker, grade_topic_warm
from cvgrade.release import stubs
from cvgrade.workflow import feedback, gradescope_autograder
from cvgrade.workflow.demo import sample_source

TOPIC = "image_filtering"
KINDS = ("correct", "stub", "buggy", "malicious")
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
# Gradescope's "Autograder Specifications", results.json: the keys it documents, with their types
RESULTS_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "tests": {"type": "array", "items": {
            "type": "object",
            "properties": {"score": {"type": "number"}, "max_score": {"type": "number"},
                           "status": {"enum": ["passed", "failed"]}, "name": {"type": "string"},
                           "number": {"type": "string"}, "output": {"type": "string"}, "output_format": FORMAT,
                           "tags": {"type": "array", "items": {"type": "string"}}, "visibility": VISIBILITY},
            "required": ["score", "max_score", "name"],
            "additionalProperties": False}},
    },
    "required": ["tests"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def graded(root, tmp_path_factory):
    """kind -> (results.json of run_autograder, the report `cvgrade grade` writes) for the four samples."""
    base = tmp_path_factory.mktemp("gradescope")
    archive = gradescope_autograder.build(root, TOPIC, base / "autograder.zip", feedback.CvgradeFeedback())
    solution = root / paths.SOLUTIONS / f"{TOPIC}.py"
    stub = stubs.strip_solutions(solution.read_text(), TOPIC)

    def one(kind):
        fake = base / kind / "autograder"
        with zipfile.ZipFile(archive) as z:
            z.extractall(fake / "source")
        (fake / "submission").mkdir()
        (fake / "submission" / f"{TOPIC}.py").write_text(sample_source(root, TOPIC, kind, stub))
        env = dict(os.environ, CVGRADE_GRADESCOPE_ROOT=str(base / kind), CVGRADE_PYTHON=sys.executable)
        done = subprocess.run(["bash", str(fake / "source" / "run_autograder")], env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        results = json.loads((fake / "results" / "results.json").read_text())
        return kind, results

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(one, KINDS))
    worker = Worker()  # `cvgrade grade`'s grading session, run warm: the same pytest session, imports paid once
    try:
        return {kind: (results[kind], grade_topic_warm(worker, root, TOPIC, base / kind / "autograder" / "submission",
                                                       isolated=True)) for kind in KINDS}
    finally:
        worker.stop()


def test_zip_holds_setup_run_and_the_kit_without_the_solution(root, tmp_path):
    archive = gradescope_autograder.build(root, TOPIC, tmp_path / "a.zip", feedback.CvgradeFeedback(messages="full"))
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in z.infolist()}
        stub = z.read(f"kit/solutions/{TOPIC}.py").decode()
        policy = json.loads(z.read("kit/feedback-policy.json"))
    assert {"setup.sh", "run_autograder", f"kit/graders/test_{TOPIC}.py", f"kit/reference/{TOPIC}.py",
            "kit/cvgrade/harness/plugin.py", "kit/pyproject.toml", "kit/constraints.txt"} <= names
    assert not any(n.startswith("kit/graders/") and n != f"kit/graders/test_{TOPIC}.py" for n in names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert stubs.BEGIN not in stub and "not implemented yet" in stub
    assert policy == {"show_inputs": False, "messages": "full", "pictures": True,
                      "gradescope_visibility": "after_published"}
    assert gradescope_autograder.build(root, TOPIC, tmp_path / "b.zip", feedback.CvgradeFeedback(messages="full")
                                       ).read_bytes() == archive.read_bytes(), "the same kit must give the same zip"


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_results_follow_the_schema_and_agree_with_cvgrade_grade(graded, kind):
    results, report = graded[kind]
    jsonschema.validate(results, RESULTS_SCHEMA)
    assert report["status"] == "ok" and results["score"] == report["score"]
    assert sum(t["max_score"] for t in results["tests"]) == report["max_score"]
    expected = {}
    for test in report["tests"]:  # one Gradescope test per graded function and test (cases folded)
        key = f"{test['function']}: {test['name'].split('[')[0]}"
        score, max_score = expected.get(key, (0, 0))
        expected[key] = (score + test["points"], max_score + test["max_points"])
    assert {t["name"]: (t["score"], t["max_score"]) for t in results["tests"]} == expected
    assert results["execution_time"] > 0


def test_sample_scores_are_what_each_deserves(graded):
    scores = {kind: graded[kind][0]["score"] for kind in KINDS}
    full = graded["correct"][1]["max_score"]
    assert scores["correct"] == full and scores["stub"] == 0 and scores["malicious"] == 0
    assert 0 < scores["buggy"] < full


def test_a_missing_module_scores_zero_and_says_why(root, tmp_path, monkeypatch):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "notes.txt").write_text("forgot the code")
    monkeypatch.chdir(root)
    results = gradescope_autograder.run(tmp_path, TOPIC, feedback.CvgradeFeedback(messages="full"))
    assert results["score"] == 0 and results["output"].startswith(f"no {TOPIC}.py was submitted")
    assert json.loads((tmp_path / "results" / "results.json").read_text()) == results


def test_the_shallowest_module_is_graded_when_several_are_submitted(tmp_path):
    nested = tmp_path / "repo" / "src"
    nested.mkdir(parents=True)
    (nested / f"{TOPIC}.py").write_text("x = 1\n")
    (tmp_path / "repo" / f"{TOPIC}.py").write_text("x = 2\n")
    module, note = gradescope_autograder.find_module(tmp_path, TOPIC)
    assert module == tmp_path / "repo" / f"{TOPIC}.py" and note.startswith(f"several {TOPIC}.py were submitted")
