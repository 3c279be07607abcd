"""`cvgrade gradescope build TOPIC`: the zip of Gradescope's "Autograder" assignment type, and what it runs.

Gradescope unpacks the zip into `/autograder/source`, runs `setup.sh` once to
build its image, then, for every submission, `run_autograder` with the student's
files in `/autograder/submission`; the results go to
`/autograder/results/results.json`. The zip holds:

- `setup.sh`: Python 3.11+, bubblewrap, and the kit with its pinned dependencies
  in `/autograder/venv`;
- `run_autograder`: `python -m cvgrade gradescope run TOPIC` on the kit below;
- `kit/`: the `cvgrade` package, the topic's hidden grader and reference, the
  topic's student stub (a course needs `solutions/`; the instructor solution is
  not shipped), `pyproject.toml`, `constraints.txt`, and `feedback-policy.json`,
  the course's `CvgradeFeedback` settings (visibility, inputs, messages, pictures).

`run` grades the student's `<topic>.py` alone, in isolated mode, as `cvgrade grade`
does, and writes Gradescope's results (see `cvgrade.workflow.gradescope`). A path prefix
(`CVGRADE_GRADESCOPE_ROOT`, empty on Gradescope) lets a test lay out a fake
`/autograder` anywhere.
"""

from __future__ import annotations

import json
import shutil
import stat
import tempfile
import time
import zipfile
from pathlib import Path

from cvgrade import paths
from cvgrade.harness import grading
from cvgrade.release.stubs import strip_solutions
from cvgrade.sandbox import scratch
from cvgrade.workflow import feedback, gradescope
import cvgrade

ROOT_ENV = "CVGRADE_GRADESCOPE_ROOT"
POLICY = "feedback-policy.json"
_POLICY_TRAITS = ("show_inputs", "messages", "pictures", "gradescope_visibility")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04 or later).
set -euxo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap ca-certificates
PYTHON=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null 2>&1 || apt-get install -y --no-install-recommends "$candidate" "$candidate-venv"; then
    PYTHON="$candidate"; break
  fi
done
if [ -z "$PYTHON" ]; then  # an older Ubuntu: Python 3.11 from the deadsnakes archive
  apt-get install -y --no-install-recommends software-properties-common
  add-apt-repository -y ppa:deadsnakes/ppa && apt-get update
  apt-get install -y --no-install-recommends python3.11 python3.11-venv
  PYTHON=python3.11
fi
"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install -c /autograder/source/kit/constraints.txt -e /autograder/source/kit
chmod +x /autograder/source/run_autograder
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade it with the hidden graders, write results/results.json.
set -u
ROOT="${{{root_env}:-}}"
SOURCE="$ROOT/autograder/source"
PYTHON="${{CVGRADE_PYTHON:-/autograder/venv/bin/python}}"
export PYTHONPATH="$SOURCE/kit" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 MPLBACKEND=Agg
cd "$SOURCE/kit" && exec "$PYTHON" -m cvgrade gradescope run {topic} --autograder "$ROOT/autograder"
"""


def _policy_settings(policy: feedback.CvgradeFeedback) -> dict:
    return {name: getattr(policy, name) for name in _POLICY_TRAITS}


def kit_files(kit: Path, topic: str) -> dict[str, bytes]:
    """Path inside `kit/` -> content of every file the topic's grading needs."""
    files: dict[str, bytes] = {}
    package = Path(cvgrade.__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[f"cvgrade/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    for rel in (f"{paths.GRADERS}/test_{topic}.py", f"{paths.REFERENCE}/{topic}.py", "pyproject.toml",
                "constraints.txt", "README.md"):
        files[rel] = (kit / rel).read_bytes()
    solution = kit / paths.SOLUTIONS / f"{topic}.py"
    files[f"{paths.SOLUTIONS}/{topic}.py"] = strip_solutions(solution.read_text(), topic, str(solution)).encode()
    return files


def build(kit: Path, topic: str, out: Path, policy: feedback.CvgradeFeedback) -> Path:
    """Write the autograder zip of `topic` to `out` (see the module docstring); returns `out`."""
    if topic not in paths.topics(kit):
        raise ValueError(f"no topic {topic!r} in {kit} (topics: {', '.join(paths.topics(kit))})")
    entries = {f"kit/{rel}": data for rel, data in kit_files(kit, topic).items()}
    entries[f"kit/{POLICY}"] = (json.dumps(_policy_settings(policy), indent=2) + "\n").encode()
    entries["setup.sh"] = SETUP_SH.encode()
    entries["run_autograder"] = RUN_AUTOGRADER.format(root_env=ROOT_ENV, topic=topic).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # fixed: the same kit gives the same zip
            executable = name in ("setup.sh", "run_autograder")
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return out


def find_module(submission: Path, topic: str) -> tuple[Path | None, str]:
    """The student's `<topic>.py` in the submission (at the top, else the shallowest one), and a note for them."""
    if not submission.is_dir():
        return None, "the submission folder is missing"
    found = sorted((p for p in submission.rglob(f"{topic}.py") if p.is_file() and not p.is_symlink()),
                   key=lambda p: (len(p.relative_to(submission).parts), str(p)))
    if not found:
        return None, f"no {topic}.py was submitted: upload the file {topic}.py"
    chosen = found[0]
    note = "" if len(found) == 1 else f"several {topic}.py were submitted; graded {chosen.relative_to(submission)}"
    return chosen, note


def run(autograder: Path, topic: str, policy: feedback.CvgradeFeedback | None = None) -> dict:
    """Grade `autograder/submission`'s `<topic>.py` with the kit at or above the cwd; write and return the results.

    `policy`: the feedback policy (default: the kit's `feedback-policy.json`).
    """
    started = time.monotonic()
    kit = paths.course_root()
    policy = policy or feedback.CvgradeFeedback(**json.loads((kit / POLICY).read_text()))
    module, note = find_module(autograder / "submission", topic)
    with tempfile.TemporaryDirectory(prefix="cvgrade-stage-", dir=scratch.folder()) as stage:
        if module is not None:
            shutil.copyfile(module, Path(stage) / f"{topic}.py")
        report = grading.grade_topic(kit, topic, stage, isolated=True)
    results = gradescope.results(report, policy, execution_time=time.monotonic() - started)
    if note:
        results["output"] = (note + "\n" + results["output"]).strip()
    target = autograder / "results"
    target.mkdir(parents=True, exist_ok=True)
    (target / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return results
