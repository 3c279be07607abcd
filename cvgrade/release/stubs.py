"""Generate the student release (`assignments/`) from the instructor sources (`solutions/`).

For every topic: the module with each `### BEGIN SOLUTION … ### END SOLUTION`
block replaced by `raise NotImplementedError("<topic>.<function>: …")`, the
public tests copied verbatim, and the notebook with nbgrader's own
`ClearSolutions` and `ClearOutput` applied. Generation is deterministic and
removes any file it would not write, so `assignments/` is exactly its output.
"""

from __future__ import annotations

import ast
import json
import tempfile
from pathlib import Path

from cvgrade import paths

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_MESSAGE = "not implemented yet"

PYTEST_INI = """\
[pytest]
# Public checks of this release: run `pytest` in this folder.
pythonpath = .
testpaths = tests
addopts = -p no:cacheprovider
timeout = 300
"""

README = """\
# Assignments

Each `<topic>.py` here is yours to complete: replace every
`raise NotImplementedError(...)` with your implementation, keeping the names,
signatures and docstrings. The notebook of a topic imports your module and shows
your work; its written-answer cells are graded by hand.

Run the public checks with `pytest` in this folder (one topic:
`pytest tests/test_<topic>.py`). They are a few of the checks the graders run;
passing them is a good sign, not a guarantee.

Topics: {topics}
"""


class ReleaseError(ValueError):
    """A solution source that cannot be turned into a stub."""


def _qualnames(tree: ast.Module) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function, innermost last."""
    spans = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    spans.append((child.lineno, child.end_lineno, name))
                visit(child, f"{name}.")

    visit(tree, "")
    return spans


def strip_solutions(source: str, topic: str, filename: str = "<solution>") -> str:
    """The student version of a solution module (see module docstring)."""
    spans = _qualnames(ast.parse(source, filename))
    lines = source.splitlines(keepends=True)
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            if line.strip() == END:
                raise ReleaseError(f"{filename}:{i + 1}: {END} without {BEGIN}")
            out.append(line)
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip() != END:
            i += 1
            if i < len(lines) and lines[i].strip() == BEGIN:
                raise ReleaseError(f"{filename}:{i + 1}: nested {BEGIN}")
        if i == len(lines):
            raise ReleaseError(f"{filename}:{start + 1}: {BEGIN} without {END}")
        owners = [name for first, last, name in spans if first <= start + 1 <= last]
        if not owners:
            raise ReleaseError(f"{filename}:{start + 1}: a solution block must sit inside a function")
        indent = line[: len(line) - len(line.lstrip())]
        out.append(f'{indent}raise NotImplementedError("{topic}.{owners[-1]}: {STUB_MESSAGE}")\n')
        i += 1
    stub = "".join(out)
    ast.parse(stub, filename)
    return stub


def graded_names(source: str) -> list[str]:
    """Top-level functions and classes that contain a solution block (or, in a stub, its `raise`): what graders score."""
    tree = ast.parse(source)
    lines = source.splitlines()
    marked = {n for n, text in enumerate(lines, 1)
              if text.strip() == BEGIN or (text.strip().startswith('raise NotImplementedError("')
                                           and text.strip().endswith(f': {STUB_MESSAGE}")'))}
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and any(node.lineno <= n <= node.end_lineno for n in marked)]


def student_notebook(path: Path) -> str:
    """The student version of an instructor notebook, as deterministic JSON."""
    import nbformat
    from nbgrader.preprocessors import ClearOutput, ClearSolutions

    notebook = nbformat.read(path, as_version=4)
    notebook, resources = ClearSolutions().preprocess(notebook, {})
    notebook, _ = ClearOutput().preprocess(notebook, resources)
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def release_files(root: Path) -> dict[str, str]:
    """Relative path -> text of every file in the release."""
    solutions = root / paths.SOLUTIONS
    topics = paths.topics(root)
    files = {"pytest.ini": PYTEST_INI, "README.md": README.format(topics=", ".join(topics))}
    for topic in topics:
        source = solutions / f"{topic}.py"
        files[f"{topic}.py"] = strip_solutions(source.read_text(), topic, str(source))
        public = solutions / "tests" / f"test_{topic}.py"
        if public.is_file():
            files[f"tests/test_{topic}.py"] = public.read_text()
        notebook = solutions / f"{topic}.ipynb"
        if notebook.is_file():
            files[f"{topic}.ipynb"] = student_notebook(notebook)
    return files


def write_release(root: Path, out: Path | None = None) -> list[str]:
    """Write the release to `out` (default `assignments/`), removing stale files; return relative paths."""
    out = out or root / paths.ASSIGNMENTS
    files = release_files(root)
    if out.exists():
        for path in sorted(out.rglob("*"), reverse=True):
            rel = path.relative_to(out).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    for rel, text in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text() != text:
            target.write_text(text)
    return sorted(files)


def drift(root: Path) -> list[str]:
    """Files where the committed release differs from what generation produces."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "release"
        write_release(root, fresh)
        committed = root / paths.ASSIGNMENTS
        names = {p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file()}
        names |= {p.relative_to(committed).as_posix() for p in committed.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts} if committed.exists() else set()
        return sorted(n for n in names
                      if not (fresh / n).is_file() or not (committed / n).is_file()
                      or (fresh / n).read_bytes() != (committed / n).read_bytes())

