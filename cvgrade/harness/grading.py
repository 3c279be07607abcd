"""Grade a submission folder: one pytest session per topic, in its own process.

A session that dies (a grader bug, a crash of the grading process) costs only its
own topic, which then scores 0 with the reason in the report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from cvgrade import paths
from cvgrade.harness.report import library_versions
from cvgrade.sandbox import scratch


SESSION_TIMEOUT_S = 1800.0  # a grading session's limit (a grader's own bug: student calls have their own limits)
# Only the plugins grading needs, whatever else is installed: other plugins' start-up costs (pytest-benchmark runs
# git at every session) and hooks stay out of the verdicts. pytest-timeout is loaded for the ini file's sake but
# idle: a thread per test costs a millisecond each, and the session's limit is SESSION_TIMEOUT_S. unraisableexception's
# five garbage collections of a torch-sized heap per session buy nothing a report shows. Of pytest's own plugins,
# those that wrap every test phase (warning and log capture, the thread excepthook) or only serve other outputs and
# workflows are off: 5-9 % of a warm worker's whole 13-topic submission (919 tests). Graders keep their fixtures
# (tmp_path, monkeypatch, recwarn, capsys), marks and unittest collection; a grader's warning goes to stderr. Output
# is not captured per test phase (a quarter of pytest's own time per test), only the session's, into its log.
SESSION_PLUGIN_MODULES = ("cvgrade.harness.plugin", "pytest_timeout")
SESSION_BLOCKED_PLUGINS = ("cacheprovider", "unraisableexception", "threadexception", "warnings", "logging",
                           "debugging", "doctest", "junitxml", "pastebin", "legacypath", "setuponly", "setupplan",
                           "stepwise")
SESSION_PLUGINS = ("--disable-plugin-autoload", *(arg for m in SESSION_PLUGIN_MODULES for arg in ("-p", m)),
                   "-o", "timeout=0", *(arg for m in SESSION_BLOCKED_PLUGINS for arg in ("-p", f"no:{m}")),
                   "--capture=no")
GRADING_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}  # a warm worker's sessions too: SESSION_PLUGINS only


def grading_env() -> dict[str, str]:
    """The environment of a grading process: offline hubs, and one math thread unless OMP_NUM_THREADS says otherwise.

    Graders' tensors are tiny: a second thread per operation only adds wake-ups
    (tens of microseconds become milliseconds on a busy machine), and N workers
    already run side by side.
    """
    return dict(os.environ, **GRADING_ENV, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
                **scratch.env())  # its temporary folders go inside this process's, and with it


def pytest_command(root: Path, topic: str, submission: str | Path, report: Path, *, isolated: bool,
                   device: str | None = None, call_timeout: float | None = None, exitfirst: bool = False) -> list[str]:
    """argv of the pytest session that grades `topic` of `submission` and writes `report`."""
    command = [sys.executable, "-m", "pytest", str(root / paths.GRADERS / f"test_{topic}.py"),
               "--rootdir", str(root), "-q", *SESSION_PLUGINS, "--no-header", "-o", "console_output_style=classic",
               "--tb=native",  # reports keep only the crash message; pytest's own tracebacks parse every source file
               # one token each: before plugins load, pytest would take a separate value for a test path
               f"--submission={submission}", f"--isolation={'isolated' if isolated else 'in-process'}",
               f"--report={report}"]
    if device:
        command.append(f"--device={device}")
    if call_timeout:
        command.append(f"--call-timeout={call_timeout}")
    if exitfirst:
        command.append("--exitfirst")
    return command


def grade_topic(root: Path, topic: str, submission: str | Path, **options) -> dict:
    """Grade one topic; returns its report (`status` is 'ok', or 'error' with the reason)."""
    with tempfile.TemporaryDirectory(prefix="cvgrade-report-", dir=scratch.folder()) as tmp:
        report_path = Path(tmp) / "report.json"
        command = pytest_command(root, topic, submission, report_path, **options)
        try:
            done = subprocess.run(command, cwd=root, env=grading_env(), capture_output=True, text=True,
                                  timeout=SESSION_TIMEOUT_S)
        except subprocess.TimeoutExpired as expired:
            done = subprocess.CompletedProcess(command, -1, _text(expired.stdout), _text(expired.stderr) +
                                               f"\nthe grading session ran past {SESSION_TIMEOUT_S:g} s and was stopped")
        if report_path.is_file() and done.returncode != -1:
            report = json.loads(report_path.read_text())
            report["status"] = "ok" if done.returncode in (0, 1) else "error"
        else:
            report = {"score": 0, "max_score": 0, "tests": [], "topics": {}, "status": "error"}
        if report["status"] != "ok":
            report["error"] = (done.stdout + done.stderr)[-3000:]
        report["topic"] = topic
        return report


def _text(output: bytes | str | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def grade(root: Path, submission: str | Path, topics: list[str] | None = None, *, jobs: int = 1, **options) -> dict:
    """Grade `topics` (default: all) of `submission`; one merged report."""
    topics = topics or paths.topics(root)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        reports = list(pool.map(lambda t: grade_topic(root, t, submission, **options), topics))
    merged = {
        "submission": str(submission),
        "isolation": "isolated" if options.get("isolated") else "in-process",
        "sandbox": next((r["sandbox"] for r in reports if r.get("sandbox")), None),
        "device": next((r["device"] for r in reports if r.get("device") not in (None, "cpu")), "cpu"),
        "score": sum(r["score"] for r in reports),
        "max_score": sum(r["max_score"] for r in reports),
        "topics": {},
        "tests": [t for r in reports for t in r["tests"]],
        "versions": library_versions(),
    }
    for r in reports:
        merged["topics"][r["topic"]] = {"score": r["score"], "max_score": r["max_score"], "status": r["status"],
                                        **({"error": r["error"]} if "error" in r else {})}
    return merged


def max_points(root: Path) -> dict[str, float]:
    """Points each topic's graders are worth, from a collect-only session over all graders."""
    with tempfile.TemporaryDirectory(prefix="cvgrade-report-", dir=scratch.folder()) as tmp:
        report_path = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pytest", "--collect-only", "-q", *SESSION_PLUGINS,
                   "--rootdir", str(root), "--report", str(report_path),
                   *(str(root / paths.GRADERS / f"test_{t}.py") for t in paths.topics(root))]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        if not report_path.is_file():
            raise RuntimeError(f"collecting the graders failed:\n{(done.stdout + done.stderr)[-3000:]}")
        topics = json.loads(report_path.read_text())["topics"]
    return {topic: topics[topic]["max_score"] for topic in sorted(topics)}


def topics_markdown(root: Path) -> str:
    """The README's topic table: each topic, its graded names and its points."""
    from cvgrade.release.stubs import graded_names

    lines = ["| topic | graded names | points |", "| --- | --- | --- |"]
    for topic, points in max_points(root).items():
        names = graded_names((root / paths.SOLUTIONS / f"{topic}.py").read_text())
        lines.append(f"| `{topic}` | {', '.join(f'`{n}`' for n in names)} | {points:g} |")
    return "\n".join(lines)


def score_table(report: dict) -> str:
    """Plain-text table of per-topic scores."""
    rows = [("topic", "score", "max", "status")]
    for topic, t in report["topics"].items():
        rows.append((topic, f"{t['score']:g}", f"{t['max_score']:g}", t.get("status", "ok")))
    rows.append(("total", f"{report['score']:g}", f"{report['max_score']:g}", ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
