"""Release generation: deterministic, committed, free of solutions, and a working student release."""

import subprocess
import sys

import pytest

from cvgrade import paths, release
from course_paths import ROOT, TOPICS


def test_committed_release_is_what_generation_produces(root):
    assert release.drift(root) == [], "assignments/ is out of date: run `cvgrade release` and commit"


def test_generation_is_idempotent(root, tmp_path):
    first = release.write_release(root, tmp_path / "a")
    release.write_release(root, tmp_path / "a")
    release.write_release(root, tmp_path / "b")
    assert first == release.write_release(root, tmp_path / "b")
    for name in first:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def _solution_only_lines(source: str) -> set[str]:
    """Lines inside solution blocks that appear nowhere outside them."""
    inside, outside, in_block = set(), set(), False
    for line in source.splitlines():
        text = line.strip()
        if text in (release.BEGIN, release.END):
            in_block = text == release.BEGIN
            continue
        (inside if in_block else outside).add(text)
    return {line for line in inside - outside if line and not line.startswith("#")}


def test_no_release_file_contains_a_solution_line_a_grader_or_a_reference(root):
    released = {p.relative_to(root / paths.ASSIGNMENTS).as_posix(): p.read_text()
                for p in (root / paths.ASSIGNMENTS).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert released, "the release is empty"
    secrets = set()
    for topic in TOPICS:
        secrets |= _solution_only_lines((root / paths.SOLUTIONS / f"{topic}.py").read_text())
    graders = {p.name for p in (root / paths.GRADERS).glob("*.py")}
    for name, text in released.items():
        assert release.BEGIN not in text and release.END not in text, f"{name} has a solution marker"
        assert "from reference" not in text and "import reference" not in text, f"{name} imports a reference"
        assert "cvgrade" not in text, f"{name} depends on the grading kit"
        assert not (name.startswith("tests/") and name.split("/")[-1] in graders and
                    text == (root / paths.GRADERS / name.split("/")[-1]).read_text()), f"{name} is a grader"
        lines = {line.strip() for line in text.splitlines()}
        leaked = sorted(secrets & lines)
        assert not leaked, f"{name} contains solution lines: {leaked[:3]}"


def test_stub_keeps_signatures_and_docstrings(root):
    import ast

    for topic in TOPICS:
        solution = ast.parse((root / paths.SOLUTIONS / f"{topic}.py").read_text())
        stub = ast.parse((root / paths.ASSIGNMENTS / f"{topic}.py").read_text())

        def signatures(tree):
            return {(node.name, ast.unparse(node.args), ast.get_docstring(node))
                    for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

        assert signatures(solution) == signatures(stub), topic


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
    stub = release.strip_solutions(source, "topic")
    assert stub.endswith('        y = 1\n        raise NotImplementedError("topic.Net.forward: not implemented yet")\n')


@pytest.mark.parametrize("source, message", [
    ("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "must sit inside a function"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "without ### END SOLUTION"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", "without ### BEGIN SOLUTION"),
])
def test_malformed_solution_blocks_are_reported_with_their_line(source, message):
    with pytest.raises(release.ReleaseError, match=message):
        release.strip_solutions(source, "topic", "solutions/topic.py")


def _run_public_tests(folder, topic):
    return subprocess.run([sys.executable, "-m", "pytest", f"tests/test_{topic}.py", "-q", "-p", "no:cvgrade"],
                          cwd=folder, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("topic", TOPICS)
def test_public_tests_pass_on_the_solution_and_fail_on_the_stub(root, tmp_path, topic):
    student = tmp_path / "release"
    release.write_release(root, student)
    stub_run = _run_public_tests(student, topic)
    assert stub_run.returncode == 1 and " passed" not in stub_run.stdout.splitlines()[-1], stub_run.stdout[-2000:]
    (student / f"{topic}.py").write_text((root / paths.SOLUTIONS / f"{topic}.py").read_text())
    solved = _run_public_tests(student, topic)
    assert solved.returncode == 0, solved.stdout[-3000:]
