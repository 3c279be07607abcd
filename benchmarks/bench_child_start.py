"""Seconds to start one isolated child and get its first reply, per sandbox mode and per import weight.

Run: python benchmarks/bench_child_start.py [--repeat 5]. Prints one line per
(sandbox mode, start, submission): the median and the minimum over `--repeat`
starts. A start is a fresh process and one round trip: either its own `python -I`
(direct: sandbox set-up, cvgrade, the limits, the student's imports), or a fork of
the warm zygote that already imported them (warm; the zygote's own start is paid
once, before the timed starts). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from cvgrade import sandbox, zygote
from cvgrade.submission import ZYGOTE_ENV, open_submission

SUBMISSIONS = {
    "numpy only": "import numpy as np\n\ndef ping():\n    return 1\n",
    "torch": "import torch\n\ndef ping():\n    return 1\n",
    "torch+timm+diffusers+open_clip": "import torch, timm, diffusers, open_clip\n\ndef ping():\n    return 1\n",
}


def start_once(module: Path) -> float:
    began = time.perf_counter()
    sub = open_submission(module, "bench", isolated=True, call_timeout=600)
    try:
        assert sub.call("ping") == 1
        return time.perf_counter() - began
    finally:
        sub.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    modes = ["rlimits"] + (["bwrap"] if sandbox._bwrap_problem() is None else [])
    print(f"{'mode':8} {'start':7} {'submission':32} {'median s':>9} {'min s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, source in SUBMISSIONS.items():
            module = Path(tmp) / label.replace(" ", "_").replace("+", "_") / "bench.py"
            module.parent.mkdir()
            module.write_text(source)
            for mode in modes:
                os.environ[sandbox.SANDBOX_ENV] = mode
                sandbox.mode.cache_clear()
                for start, warm in (("direct", "0"), ("warm", "1")):
                    os.environ[ZYGOTE_ENV] = warm
                    zygote.close_all()
                    if warm == "1":
                        start_once(module)  # starts the zygote
                    times = [start_once(module) for _ in range(args.repeat)]
                    print(f"{mode:8} {start:7} {label:32} {statistics.median(times):9.3f} {min(times):7.3f}", flush=True)


if __name__ == "__main__":
    main()
