"""Where a course's parts live, relative to its root (the folder with `solutions/` and `graders/`)."""

from __future__ import annotations

import os
from pathlib import Path

SOLUTIONS, ASSIGNMENTS, GRADERS, REFERENCE = "solutions", "assignments", "graders", "reference"
MUTANTS, FORMULATIONS = "tests/mutants", "tests/formulations"


def course_root(start: str | Path | None = None) -> Path:
    """`$CVGRADE_ROOT`, else the nearest folder at or above `start` (default: cwd) with solutions/ and graders/."""
    if os.environ.get("CVGRADE_ROOT"):
        return Path(os.environ["CVGRADE_ROOT"]).resolve()
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / SOLUTIONS).is_dir() and (folder / GRADERS).is_dir():
            return folder
    raise FileNotFoundError(f"no course (a folder with {SOLUTIONS}/ and {GRADERS}/) at or above {here}")


def topics(root: Path) -> list[str]:
    """Topics with both a solution module and a grader, sorted."""
    return sorted(p.stem.removeprefix("test_") for p in (root / GRADERS).glob("test_*.py")
                  if (root / SOLUTIONS / f"{p.stem.removeprefix('test_')}.py").is_file())


def submission_folder(root: Path, which: str | Path) -> Path:
    """'solutions' and 'stubs' name the course's own folders; anything else is a path."""
    if str(which) == "solutions":
        return root / SOLUTIONS
    if str(which) == "stubs":
        return root / ASSIGNMENTS
    return Path(which).resolve()
