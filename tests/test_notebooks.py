"""Every topic notebook runs top to bottom with a real Jupyter kernel against the instructor solution."""

import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from cvgrade import paths
from course_paths import ROOT

NOTEBOOKS = sorted((ROOT / paths.SOLUTIONS).glob("*.ipynb"))
TIMEOUT_S = 600


def test_every_topic_has_a_notebook(root):
    assert {p.stem for p in NOTEBOOKS} == set(paths.topics(root))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes_against_the_solution(notebook, tmp_path, monkeypatch):
    shutil.copyfile(ROOT / paths.SOLUTIONS / f"{notebook.stem}.py", tmp_path / f"{notebook.stem}.py")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_student_notebooks_have_hand_graded_questions_without_answers(root):
    for notebook in NOTEBOOKS:
        student = nbformat.read(root / paths.ASSIGNMENTS / notebook.name, as_version=4)
        answers = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")
                   and c.metadata["nbgrader"].get("solution") and c.cell_type == "markdown"]
        assert answers, f"{notebook.name} has no hand-graded written answer"
        assert all(c.source.strip().endswith("YOUR ANSWER HERE") for c in answers), notebook.name
