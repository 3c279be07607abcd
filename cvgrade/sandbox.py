"""How the isolated child process that runs a submission is started.

The child runs `python -I` (no user site, no PYTHON* variables, no current
directory on sys.path) in a fresh folder that holds only the student's module,
with a minimal environment, in its own process group so that everything it
starts can be killed at once.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

_PASSED_ENV = ("PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "LD_LIBRARY_PATH")


def prepare_workdir(module_path: Path, name: str) -> Path:
    """A new folder holding only `<name>.py` (if the submission has one)."""
    workdir = Path(tempfile.mkdtemp(prefix=f"cvgrade-{name}-"))
    if module_path.is_file():
        shutil.copyfile(module_path, workdir / f"{name}.py")
    return workdir


def child_env(workdir: Path) -> dict[str, str]:
    """The child's whole environment: offline hubs, a private home and tmp, fixed hashing."""
    env = {key: os.environ[key] for key in _PASSED_ENV if key in os.environ}
    env.update({
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1"),
    })
    return env


def child_command(module: Path, name: str, reference_calls_json: str, fd_in: int, fd_out: int) -> list[str]:
    """argv that starts `cvgrade.child` for one submission module."""
    return [sys.executable, "-I", "-m", "cvgrade.child", "--module", str(module), "--name", name,
            "--reference-calls", reference_calls_json, "--fd-in", str(fd_in), "--fd-out", str(fd_out)]
