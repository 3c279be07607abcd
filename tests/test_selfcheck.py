"""Per topic: solutions score 100% in both modes, stubs score 0, every graded name has mutants, every mutant is caught."""

import pytest

from cvgrade.harness.workers import Worker
from cvgrade.release import selfcheck
from course_paths import ROOT, TOPICS

MUTANTS = [pytest.param(topic, path, id=f"{topic}/{path.stem}") for topic in TOPICS
           for path in selfcheck.mutants(ROOT, topic)]
FORMULATIONS = [pytest.param(topic, path, id=f"{topic}/{path.stem}") for topic in TOPICS
                for path in selfcheck.formulations(ROOT, topic)]


@pytest.fixture(scope="module")
def grade():
    """Grading sessions in one warm worker: torch and friends are imported once for the whole module."""
    worker = Worker()
    yield selfcheck.warm_grader(worker)
    worker.stop()


def assert_ok(check):
    assert check.ok, f"{check.topic}: {check.name}: {check.detail}"


@pytest.mark.parametrize("isolated", [False, True], ids=["in-process", "isolated"])
@pytest.mark.parametrize("topic", TOPICS)
def test_solutions_score_full_marks(root, grade, topic, isolated):
    assert_ok(selfcheck.check_solutions(root, topic, isolated, grade))


@pytest.mark.parametrize("topic", TOPICS)
def test_stubs_score_zero(root, grade, topic):
    assert_ok(selfcheck.check_stubs(root, topic, grade))


@pytest.mark.parametrize("topic", TOPICS)
def test_every_graded_name_has_mutants(root, topic):
    assert_ok(selfcheck.check_mutant_coverage(root, topic))


@pytest.mark.parametrize("topic, mutant", MUTANTS)
def test_mutant_is_caught(root, grade, topic, mutant):
    assert_ok(selfcheck.check_mutant(root, topic, mutant, grade))


@pytest.mark.parametrize("topic, formulation", FORMULATIONS)
def test_another_correct_formulation_scores_full_marks(root, grade, topic, formulation):
    assert_ok(selfcheck.check_formulation(root, topic, formulation, grade))


def test_a_warm_session_grades_like_a_fresh_process(root, grade):
    mutant = selfcheck.mutants(root, "vae")[0]
    assert selfcheck.check_mutant(root, "vae", mutant, grade) == selfcheck.check_mutant(root, "vae", mutant)


def test_every_topic_is_checked():
    assert set(TOPICS) == {"image_filtering", "attention", "vae", "gan", "diffusion", "clip_scoring", "features", "cnn",
                           "detection", "transfer", "quantization", "generative_metrics", "sampling"}
