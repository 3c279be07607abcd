"""Shared fixtures of the kit's own tests."""

from pathlib import Path

import pytest

from course_paths import ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    """The course root of this repository."""
    return ROOT


@pytest.fixture
def toy_module(tmp_path):
    """Write a small submission module `toy.py` from source text; returns its path."""

    def write(source: str) -> Path:
        path = tmp_path / "toy.py"
        path.write_text(source)
        return path

    return write
