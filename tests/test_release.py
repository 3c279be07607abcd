"""Release generation: deterministic, committed, free of solutions, and a working student release."""

import ast
import subprocess
import sys

import pytest

from cvgrade import paths
from cvgrade.release import stubs
from course_paths import TOPICS


def test_committed_release_is_what_generation_produces(root):
    assert stubs.drift(root) == [], "assignments/ is out of date: run `cvgrade release` and commit"


def test_generation_is_idempotent(root, tmp_path):
    first = stubs.write_release(root, tmp_path / "a")
    stubs.write_release(root, tmp_path / "a")
    stubs.write_release(root, tmp_path / "b")
    assert first == stubs.write_release(root, tmp_path / "b")
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def _solution_runs(source: str) -> set[tuple[str, ...]]:
    """Every run of two consecutive code lines inside a solution block (the whole block when it has one line)."""
    runs, block = set(), None
    for line in source.splitlines():
        text = line.strip()
        if text == stubs.BEGIN:
            block = []
        elif text == stubs.END:
            runs |= {tuple(block[i:i + 2]) for i in range(max(1, len(block) - 1))} if block else set()
            block = None
        elif block is not None and text and not text.startswith("#"):
            block.append(text)
    return runs


def _runs_in(text: str) -> set[tuple[str, ...]]:
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return {tuple(lines[i:i + n]) for n in (1, 2) for i in range(len(lines) - n + 1)}


def test_no_release_file_contains_a_solution_a_grader_or_a_reference(root):
    released = {p.relative_to(root / paths.ASSIGNMENTS).as_posix(): p.read_text()
                for p in (root / paths.ASSIGNMENTS).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert released, "the release is empty"
    secrets = set()
    for topic in TOPICS:
        secrets |= _solution_runs((root / paths.SOLUTIONS / f"{topic}.py").read_text())
    graders = {p.name: p.read_text() for p in (root / paths.GRADERS).glob("*.py")}
    for name, text in released.items():
        assert stubs.BEGIN not in text and stubs.END not in text, f"{name} has a solution marker"
        assert "from reference" not in text and "import reference" not in text, f"{name} imports a reference"
        assert "cvgrade" not in text, f"{name} depends on the grading kit"
        assert text not in graders.values(), f"{name} is a grader"
        if name.endswith(".py") and not name.startswith("tests/"):
            leaked = sorted(secrets & _runs_in(text))
            assert not leaked, f"{name} contains solution lines: {leaked[:3]}"


def _public_signatures(tree) -> set:
    """(qualified name, arguments, docstring) of top-level functions, classes and methods."""
    found = set()
    for node in tree.body:
        members = node.body if isinstance(node, ast.ClassDef) else [node]
        for member in members:
            if isinstance(member, ast.FunctionDef):
                name = f"{node.name}.{member.name}" if member is not node else member.name
                found.add((name, ast.unparse(member.args), ast.get_docstring(member)))
        if isinstance(node, ast.ClassDef):
            found.add((node.name, "", ast.get_docstring(node)))
    return found


def test_stub_keeps_signatures_and_docstrings(root):
    for topic in TOPICS:
        solution = ast.parse((root / paths.SOLUTIONS / f"{topic}.py").read_text())
        stub = ast.parse((root / paths.ASSIGNMENTS / f"{topic}.py").read_text())
        assert _public_signatures(solution) == _public_signatures(stub), topic


def test_strip_solutions_replaces_each_block_with_a_named_raise():
    source = (
        "class Net:\n"
        "    def forward(self, x):\n"
        '        """Doc."""\n'
        "        y = 1\n"
        "        ### BEGIN SOLUTION\n"
        "        return x + y\n"
        "        ### END SOLUTION\n"
    )
    stub = stubs.strip_solutions(source, "topic")
    assert stub.endswith('        y = 1\n        raise NotImplementedError("topic.Net.forward: not implemented yet")\n')


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "must sit inside a function"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "without ### END SOLUTION"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without ### BEGIN SOLUTION"),
])
def test_malformed_solution_blocks_are_reported_with_their_line(source, message):
    with pytest.raises(stubs.ReleaseError, match=message):
        stubs.strip_solutions(source, "topic", "solutions/topic.py")


def _run_public_tests(folder, topic):
    return subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{topic}.py", "-q", "-p", "no:cvgrade"],
                          cwd=folder, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("topic", TOPICS)
def test_public_tests_pass_on_the_solution_and_fail_on_the_stub(root, tmp_path, topic):
    student = tmp_path / "release"
    stubs.write_release(root, student)
    stub_run = _run_public_tests(student, topic)
    assert stub_run.returncode == 1 and " passed" not in stub_run.stdout.splitlines()[-1], stub_run.stdout[-2000:]
    (student / f"{topic}.py").write_text((root / paths.SOLUTIONS / f"{topic}.py").read_text())
    solved = _run_public_tests(student, topic)
    assert solved.returncode == 0, solved.stdout[-3000:]
