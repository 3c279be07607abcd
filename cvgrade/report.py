"""Scores of graded tests and the JSON grading report.

A graded test carries `@pytest.mark.points(n)`. It earns `n` when every phase
(setup, call, teardown) passed; a failed, errored or skipped graded test earns 0.
The report lists per test its id, topic, points, max points, outcome and a short
message, then per topic and overall score and max score, the device, the mode,
the sandbox of isolated children (`cvgrade.sandbox.describe`) and library versions. A test that failed an image-valued comparison
(`assert_close(..., image=...)`) also carries its `picture` (plain data, see
`cvgrade.pictures`), kept for the first failing case of each test function only,
which is what a feedback row shows.
"""

from __future__ import annotations

import json
import platform
import re
from importlib import metadata
from pathlib import Path

import pytest

from cvgrade import sandbox

DEVICE_KEY = pytest.StashKey[str]()
VERSIONED = ("cvgrade", "numpy", "opencv-python-headless", "torch", "torchvision", "timm", "diffusers",
             "open_clip_torch", "transformers", "scikit-image", "scikit-learn", "scipy", "pycocotools",
             "torchmetrics", "pytorch-fid", "vector-quantize-pytorch", "pytest")
_OWN_PREFIX = re.compile(r"^(cvgrade\.[\w.]+|Failed): ")
MESSAGE_LIMIT = 1500


def library_versions() -> dict[str, str | None]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def resolved_device(config) -> str:
    """The device graders ran on: what the `device` fixture chose, else cpu."""
    return config.stash.get(DEVICE_KEY, "cpu")


def short_message(report) -> str:
    """The failure's one-paragraph reason, without pytest's traceback."""
    longrepr = report.longrepr
    if longrepr is None:
        return ""
    if isinstance(longrepr, tuple):  # skip: (path, line, reason)
        return str(longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr).strip().splitlines()[-1]
    text = _OWN_PREFIX.sub("", text)
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


class ScoreKeeper:
    """Collects outcomes of graded tests and writes the report at the end of the session."""

    def __init__(self, config):
        self.config = config
        self.tests: dict[str, dict] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            marker = item.get_closest_marker("points")
            if marker is None:
                continue
            points = marker.args[0] if marker.args else None
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.points needs a positive number, got {points!r}")
            self.tests[item.nodeid] = {
                "id": item.nodeid,
                "name": item.name,
                "topic": getattr(item.module, "TOPIC", None),
                "points": 0,
                "max_points": points,
                "outcome": "not run",
                "message": "",
            }

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        yield
        entry = self.tests.get(item.nodeid)
        picture = getattr(call.excinfo.value, "picture", None) if call.excinfo is not None else None
        if entry is None or type(picture) is not dict:
            return
        function = entry["name"].split("[")[0]
        if not any("picture" in t for t in self.tests.values() if t["name"].split("[")[0] == function):
            entry["picture"] = picture

    def pytest_runtest_logreport(self, report):
        entry = self.tests.get(report.nodeid)
        if entry is None:
            return
        if report.passed:
            if report.when == "call" and entry["outcome"] == "not run":
                entry["outcome"], entry["points"] = "passed", entry["max_points"]
            return
        entry["points"] = 0
        if entry["outcome"] in ("not run", "passed"):
            entry["outcome"] = "skipped" if report.skipped else ("failed" if report.when == "call" else "error")
            entry["message"] = short_message(report)

    def summary(self) -> dict:
        topics: dict[str, dict] = {}
        for entry in self.tests.values():
            topic = topics.setdefault(entry["topic"], {"score": 0, "max_score": 0, "passed": 0, "tests": 0})
            topic["score"] += entry["points"]
            topic["max_score"] += entry["max_points"]
            topic["passed"] += entry["outcome"] == "passed"
            topic["tests"] += 1
        return {
            "submission": str(self.config.getoption("submission")),
            "isolation": self.config.getoption("isolation"),
            "sandbox": sandbox.describe() if self.config.getoption("isolation") == "isolated" else None,
            "device": resolved_device(self.config),
            "score": sum(t["score"] for t in topics.values()),
            "max_score": sum(t["max_score"] for t in topics.values()),
            "topics": topics,
            "tests": list(self.tests.values()),
            "versions": library_versions(),
        }

    def pytest_sessionfinish(self, session, exitstatus):
        path = self.config.getoption("report")
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text(json.dumps(self.summary(), indent=2) + "\n")

    def pytest_terminal_summary(self, terminalreporter):
        if not self.tests:
            return
        summary = self.summary()
        if (summary["sandbox"] or {}).get("warning"):
            terminalreporter.write_line(f"cvgrade: WARNING: {summary['sandbox']['warning']}", red=True, bold=True)
        for topic, score in sorted(summary["topics"].items(), key=lambda kv: str(kv[0])):
            terminalreporter.write_line(
                f"cvgrade: {topic}: {score['score']:g}/{score['max_score']:g} points "
                f"({score['passed']}/{score['tests']} graded tests passed; {summary['isolation']}, {summary['device']})")
