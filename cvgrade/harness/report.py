"""Scores of graded tests and the JSON grading report.

A graded test carries `@pytest.mark.points(n)`. It earns `n` when every phase
(setup, call, teardown) passed; a failed, errored or skipped graded test earns 0.
The report lists per test its id, topic, the graded `function` it checks (see
`graded_function`), points, max points, outcome and a short message, then per
topic and overall score and max score, the device, the mode, the sandbox of
isolated children (`cvgrade.sandbox.isolation.describe`) and library versions. A test that failed an image-valued comparison
(`assert_close(..., image=...)`) also carries its `picture` (plain data, see
`cvgrade.harness.pictures`), kept for the first failing case of each test function only,
which is what a feedback row shows. `error_ratio` is the largest error / tolerance
of the test's comparisons (`cvgrade.compare.take_worst_ratio`), or None.
"""

from __future__ import annotations

import functools
import json
import platform
import re
from importlib import metadata
from pathlib import Path

import pytest

from cvgrade import compare
from cvgrade.sandbox import isolation

DEVICE_KEY = pytest.StashKey[str]()
VERSIONED = ("cvgrade", "numpy", "opencv-python-headless", "torch", "torchvision", "timm", "diffusers",
             "open_clip_torch", "transformers", "scikit-image", "scikit-learn", "scipy", "pycocotools",
             "torchmetrics", "pytorch-fid", "vector-quantize-pytorch", "pytest")
_OWN_PREFIX = re.compile(r"^(cvgrade\.[\w.]+|Failed): ")
MESSAGE_LIMIT = 1500


def library_versions() -> dict[str, str | None]:
    """Versions of Python and of the libraries grading depends on (read once per process)."""
    return dict(_installed_versions())


@functools.cache
def _installed_versions() -> tuple[tuple[str, str | None], ...]:
    versions = [("python", platform.python_version())]
    for name in VERSIONED:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return tuple(versions)


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
    return _limited(_OWN_PREFIX.sub("", text))


def _limited(text: str | None) -> str | None:
    return text if text is None or len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + " …"


def _snake(name: str) -> str:
    """MultiHeadSelfAttention -> multi_head_self_attention; MLP -> mlp; snake_case stays."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def graded_function(test_name: str, graded: list[str], aliases: dict[str, str]) -> str | None:
    """The graded name a test checks: the longest graded name (in snake case) or alias prefix its name starts with.

    `test_sobel_gradients_match_opencv[...]` checks `sobel_gradients`; a grader's
    `GRADED_ALIASES = {"mhsa": "MultiHeadSelfAttention"}` maps other prefixes.
    """
    key = test_name.split("[")[0].removeprefix("test_")
    candidates = {_snake(name): name for name in graded}
    candidates.update({prefix: name for prefix, name in aliases.items() if name in graded})
    fits = [prefix for prefix in candidates if key == prefix or key.startswith(prefix + "_")]
    return candidates[max(fits, key=len)] if fits else None


class ScoreKeeper:
    """Collects outcomes of graded tests and writes the report at the end of the session."""

    def __init__(self, config):
        self.config = config
        self.tests: dict[str, dict] = {}
        self._names: dict[str, list[str]] = {}
        self._shown: dict[str, str] = {}  # a student exception's whole text (which function, where) by test id

    def _function(self, item, topic: str | None) -> str | None:
        """The graded name `item` checks: a parameter naming one (`name="erode"`), else by its test name."""
        graded = self._graded_names(topic)
        params = getattr(getattr(item, "callspec", None), "params", {})
        named = [v for v in params.values() if isinstance(v, str) and v in graded]
        if named:
            return named[0]
        return graded_function(item.name, graded, getattr(item.module, "GRADED_ALIASES", {}))

    def _graded_names(self, topic: str | None) -> list[str]:
        """The topic's graded names, from the course's solution module (or its stub)."""
        if topic not in self._names:
            from cvgrade import paths
            from cvgrade.release.stubs import graded_names

            names: list[str] = []
            try:
                root = paths.course_root(self.config.rootpath)
                for folder in (paths.SOLUTIONS, paths.ASSIGNMENTS):
                    module = root / folder / f"{topic}.py"
                    if module.is_file():
                        names = graded_names(module.read_text())
                        break
            except (FileNotFoundError, SyntaxError):
                pass
            self._names[topic] = names
        return self._names[topic]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            marker = item.get_closest_marker("points")
            if marker is None:
                continue
            points = marker.args[0] if marker.args else None
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.points needs a positive number, got {points!r}")
            topic = getattr(item.module, "TOPIC", None)
            self.tests[item.nodeid] = {
                "id": item.nodeid,
                "name": item.name,
                "topic": topic,
                "function": self._function(item, topic),
                "points": 0,
                "max_points": points,
                "outcome": "not run",
                "message": "",
            }

    def pytest_runtest_setup(self, item):
        compare.take_worst_ratio()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        yield
        entry = self.tests.get(item.nodeid)
        if entry is not None and call.when == "call":
            entry["error_ratio"] = compare.take_worst_ratio()
        shown = getattr(call.excinfo.value, "shown", None) if call.excinfo is not None else None
        if entry is not None and type(shown) is str:
            self._shown[item.nodeid] = shown
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
            entry["message"] = _limited(self._shown.pop(report.nodeid, None)) or short_message(report)

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
            "sandbox": isolation.describe() if self.config.getoption("isolation") == "isolated" else None,
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
