"""Warm grading workers: trusted processes that import the heavy libraries once and run many pytest sessions.

`python -m cvgrade.harness.workers` is one worker. It reads one JSON job per line on
stdin (`{"argv": [...], "cwd": ..., "log": ..., "warm": [...]}`), imports the
job's heavy libraries (torch, timm, diffusers, open_clip, cv2: see
`warm_imports`) unless an earlier job did, runs `pytest.main(argv)` with its
output sent to the job's log file, and answers one JSON line
(`{"exit": code, "peak_rss_mb": ...}`) on its original stdout. Between sessions it
forgets every module loaded from the course (graders, references, conftest
files) and restores `sys.path`, so each session imports its grader module
afresh; the heavy libraries stay. A job `{"zygotes": [[preload, deny_imports], ...]}`
starts the warm pools of isolated children ahead of the sessions that fork from
them. Student code never runs here: each session's `submission` fixture starts
its own fresh isolated child.

`WorkerPool` runs N such workers; a worker that dies or runs past the job's time
limit is killed and replaced, and only that job is lost.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import json
import os
import queue
import re
import resource
import select
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from cvgrade import paths
from cvgrade.harness import bytecode, grading
from cvgrade.sandbox import scratch, zygote

_PARSING = threading.Lock()  # CPython 3.11's ast.parse is not safe in two threads at once ("recursion depth mismatch")


def _deny_imports(root: Path, topic: str) -> tuple[str, ...]:
    """The grader's `DENY_IMPORTS` (a literal list), read from its source."""
    with _PARSING:
        tree = ast.parse((root / paths.GRADERS / f"test_{topic}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DENY_IMPORTS" for t in node.targets):
            return tuple(sorted(set(ast.literal_eval(node.value))))
    return ()


def zygote_plans(root: Path, topics: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(preload, deny_imports) of the zygotes that grading `topics` needs: one per set of denied modules, preloading
    the libraries of every topic that denies that set (`warm_imports`, less what it denies)."""
    plans: dict[tuple[str, ...], dict[str, None]] = {}
    for topic in topics:
        deny = _deny_imports(root, topic)
        preload = plans.setdefault(deny, dict.fromkeys(["numpy"]))
        preload.update(dict.fromkeys(m for m in warm_imports(root, topic) if m in zygote.PRELOADABLE and m not in deny))
    return [(tuple(preload), deny) for deny, preload in plans.items()]


@functools.cache
def warm_imports(root: Path, topic: str) -> tuple[str, ...]:
    """The heavy libraries a topic's grader and reference import at top level: a worker imports them once.

    Read once per grading process, not once per submission.
    """
    sources = [root / paths.GRADERS / f"test_{topic}.py", root / paths.REFERENCE / f"{topic}.py"]
    with _PARSING:
        return zygote.preload_for("\n".join(p.read_text() for p in sources if p.is_file()))


# -- the worker process -------------------------------------------------------------------


def _prefixes(*folders: str) -> tuple[str, ...]:
    """Each folder as a path prefix, as given and resolved."""
    return tuple({os.path.join(f, "") for f in folders} | {os.path.join(os.path.realpath(f), "") for f in folders})


def _forget_course_modules(course_root: Path, loaded_before: set[str]) -> None:
    """Drop the modules a session loaded from the course (graders, references, conftest files); keep cvgrade and
    libraries. Every session starts without any, so only modules new since `loaded_before` are looked at.

    Installed packages are kept even where a virtual environment sits inside the course folder.
    """
    course = _prefixes(str(course_root))
    libraries = _prefixes(*{sysconfig.get_paths()[key] for key in ("purelib", "platlib", "stdlib", "platstdlib")})
    for name in sys.modules.keys() - loaded_before:
        if name == "cvgrade" or name.startswith("cvgrade."):
            continue
        file = getattr(sys.modules[name], "__file__", None) or ""
        if name.split(".")[0] == "conftest" or (file.startswith(course) and not file.startswith(libraries)):
            del sys.modules[name]


def _run_job(job: dict) -> int:
    import pytest

    zygote.warm_up(job.get("warm", []))
    saved_path, saved_cwd, loaded_before = list(sys.path), os.getcwd(), set(sys.modules)
    log = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    saved_fds = os.dup(1), os.dup(2)
    sys.stdout.flush(), sys.stderr.flush()
    os.dup2(log, 1), os.dup2(log, 2)
    try:
        os.chdir(job["cwd"])
        # registered as objects, the `-p` plugins of the argv are found at once, without a scan of every entry point
        return int(pytest.main(job["argv"], plugins=[importlib.import_module(m) for m in grading.SESSION_PLUGIN_MODULES]))
    except BaseException as error:  # a session that blows up costs its own job only
        print(f"cvgrade worker: pytest session raised {error!r}", file=sys.stderr)
        return 3
    finally:
        sys.stdout.flush(), sys.stderr.flush()
        os.dup2(saved_fds[0], 1), os.dup2(saved_fds[1], 2)
        for fd in (log, *saved_fds):
            os.close(fd)
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        _forget_course_modules(Path(job["cwd"]), loaded_before)


def _start_zygotes(plans: list) -> int:
    """Start the zygotes of `plans` ([preload, deny_imports] each) ahead of the sessions that will use them."""
    from cvgrade.harness.submission import IMPORT_TIMEOUT_S

    try:
        for preload, deny in plans:
            zygote.prestart(tuple(preload), tuple(deny), IMPORT_TIMEOUT_S)
    except zygote.ZygoteDied:
        return 1
    return 0


def serve() -> int:
    """The worker loop (see module docstring)."""
    pycache = scratch.folder() / "pycache"  # the course's code, compiled (and assertion-rewritten) once per worker,
    pycache.mkdir(mode=0o700)               # never into the course folder, readable by nobody else
    bytecode.private_course_bytecode(str(pycache))
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    scratch.folder()  # made now, it sweeps the folders of workers killed before this one
    zygote.warm_up(["pytest", *grading.SESSION_PLUGIN_MODULES])
    replies.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        job = json.loads(line)
        code = _start_zygotes(job["zygotes"]) if "zygotes" in job else _run_job(job)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        replies.write(json.dumps({"exit": code, "peak_rss_mb": round(peak_kb / 1024, 1)}) + "\n")
    return 0


# -- the parent side ----------------------------------------------------------------------


class WorkerDied(RuntimeError):
    """The worker ended or ran past its time limit; the message says which."""


def core_shares(size: int) -> list[frozenset[int] | None]:
    """The CPU cores each of `size` workers is pinned to: an equal share each, or None (all) for a single worker.

    A worker, its zygote and the submission's child answer each other call by
    call; kept on their own cores, two such pairs never wait for each other's
    wake-ups, and torch (whose threads follow the affinity) uses only the share.
    """
    cores = sorted(os.sched_getaffinity(0))
    if size <= 1 or len(cores) <= 1:
        return [None] * max(1, size)
    if size >= len(cores):
        return [frozenset({cores[i % len(cores)]}) for i in range(size)]
    share = len(cores) // size
    return [frozenset(cores[i * share:(i + 1) * share]) for i in range(size)]


class Worker:
    """One warm worker process, started on first use and restarted after a failure; `cores` pins it."""

    def __init__(self, job_timeout: float = grading.SESSION_TIMEOUT_S, cores: frozenset[int] | None = None):
        self.job_timeout = job_timeout
        self.cores = cores
        self.process: subprocess.Popen | None = None
        self.peak_rss_mb = 0.0
        self.sessions = 0

    def _start(self) -> None:
        env = grading.grading_env()
        self.process = subprocess.Popen([sys.executable, "-P", "-m", "cvgrade.harness.workers"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
                                        start_new_session=True)
        if self.cores is not None:  # before its first job, so torch, its zygote and children follow it
            with contextlib.suppress(ProcessLookupError):  # died at start: the reply below says so
                os.sched_setaffinity(self.process.pid, self.cores)
        self._reply(time.monotonic() + 600)

    def _reply(self, deadline: float) -> dict:
        out = self.process.stdout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.stop()
                raise WorkerDied(f"the grading session ran past {self.job_timeout:g} s and was stopped")
            ready, _, _ = select.select([out], [], [], min(left, 1.0))
            if ready:
                line = out.readline()
                if not line:
                    code = self.stop()
                    raise WorkerDied(f"the grading process ended unexpectedly (exit status {code})")
                return json.loads(line)

    def run(self, argv: list[str], cwd: Path, log: Path, warm: tuple[str, ...] = ()) -> int:
        """Run one pytest session, importing `warm` first; its exit code. Raises WorkerDied (and resets) if the worker fails."""
        code = self._job({"argv": argv, "cwd": str(cwd), "log": str(log), "warm": list(warm)})
        self.sessions += 1
        return code

    def _job(self, job: dict) -> int:
        if self.process is None or self.process.poll() is not None:
            self._start()
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        reply = self._reply(time.monotonic() + self.job_timeout)
        self.peak_rss_mb = max(self.peak_rss_mb, reply["peak_rss_mb"])
        return reply["exit"]

    def start_zygotes(self, plans: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> int:
        """Have the worker start the zygotes of `plans` (`zygote_plans`) now, while it would wait anyway; 0 if it did."""
        return self._job({"zygotes": plans})

    def stop(self) -> int | None:
        """End the worker and everything it started; its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        code = self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()
        self.process = None
        return code


def grade_topic_warm(worker: Worker, root: Path, topic: str, submission: str | Path, **options) -> dict:
    """`grading.grade_topic`, run as a session of a warm worker instead of a fresh pytest process."""
    with tempfile.TemporaryDirectory(prefix="cvgrade-report-", dir=scratch.folder()) as tmp:
        report_path, log_path = Path(tmp) / "report.json", Path(tmp) / "session.log"
        argv = grading.pytest_command(root, topic, submission, report_path, **options)[3:]  # drop `python -m pytest`
        try:
            code, failure = worker.run(argv, root, log_path, warm_imports(root, topic)), ""
        except WorkerDied as died:
            code, failure = -1, str(died)
        output = log_path.read_text(errors="replace") if log_path.is_file() else ""
        if report_path.is_file() and not failure:
            report = json.loads(report_path.read_text())
            report["status"] = "ok" if code in (0, 1) else "error"
        else:
            report = {"score": 0, "max_score": 0, "tests": [], "topics": {}, "status": "error"}
        if report["status"] != "ok":
            report["error"] = (output + ("\n" + failure if failure else ""))[-3000:]
        report["topic"] = topic
        return report


_TEMP_FOLDER = re.compile(re.escape(tempfile.gettempdir()) + r"/(?:cvgrade-[\w-]+/)+")


def _scrub(value):
    """Drop temporary folder prefixes from messages, so a report does not depend on where it was graded."""
    if isinstance(value, str):
        return _TEMP_FOLDER.sub("", value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    return value


def grade_source(worker: Worker, root: Path, topic: str, source: str | None, **options) -> dict:
    """The isolated-mode report of `source` graded as a student's `<topic>.py` (None: no module), from a clean folder."""
    with tempfile.TemporaryDirectory(prefix="cvgrade-stage-", dir=scratch.folder()) as tmp:
        if source is not None:
            (Path(tmp) / f"{topic}.py").write_text(source)
        return _scrub(grade_topic_warm(worker, root, topic, tmp, isolated=True, **options))


class WorkerPool:
    """`size` warm workers fed from one queue: `submit(fn)` runs `fn(worker)` on the next free worker."""

    def __init__(self, size: int, job_timeout: float = grading.SESSION_TIMEOUT_S):
        self.workers = [Worker(job_timeout, cores) for cores in core_shares(size)]
        self._jobs: queue.Queue = queue.Queue()
        self._threads = [threading.Thread(target=self._loop, args=(w,), daemon=True) for w in self.workers]
        for thread in self._threads:
            thread.start()

    def _loop(self, worker: Worker) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            fn, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(worker))
            except BaseException as error:
                future.set_exception(error)

    def submit(self, fn) -> Future:
        future: Future = Future()
        self._jobs.put((fn, future))
        return future

    def grade(self, root: Path, topic: str, source: str | None, **options) -> Future:
        """A future of `grade_source(...)` on the next free worker (the interface `cvgrade.harness.dask_pool` shares)."""
        return self.submit(lambda worker: grade_source(worker, root, topic, source, **options))

    def close(self) -> None:
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        for worker in self.workers:
            worker.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    sys.exit(serve())
