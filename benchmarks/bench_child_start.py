"""Seconds to start one isolated child and get its first reply, per sandbox mode, and what Landlock adds.

Run: python benchmarks/bench_child_start.py [--repeat 5]. Prints two tables.

1. One line per (sandbox mode, start, submission): the median and the minimum
   over `--repeat` starts. A start is a fresh process and one round trip:
   either its own `python -I` (direct: sandbox set-up, cvgrade, the
   confinement, the student's imports), or a fork of the warm zygote that
   already imported them (warm; the zygote's own start is paid once, before
   the timed starts). Modes this machine lacks are left out, saying why.
2. Landlock alone: the milliseconds a process spends applying its Landlock
   layer (`cvgrade.sandbox.landlock.restrict` on the rules `cvgrade.sandbox.isolation` gives it),
   per layer, median and maximum over 50 fresh forks: a child started on its
   own, a child forked from a zygote, and a zygote, each without and with a
   denied module (cv2: one rule per entry of site-packages, paid by the zygote
   and by a direct child only). The goal is under 5 ms for a child.

Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from cvgrade.harness.submission import ZYGOTE_ENV, open_submission
from cvgrade.sandbox import landlock, isolation, zygote

SUBMISSIONS = {
    "numpy only": "import numpy as np\n\ndef ping():\n    return 1\n",
    "torch": "import torch\n\ndef ping():\n    return 1\n",
    "torch+timm+diffusers+open_clip": "import torch, timm, diffusers, open_clip\n\ndef ping():\n    return 1\n",
}
LAYERS = [("direct child", "direct"), ("forked child", "forked"), ("zygote", "zygote")]


def start_once(module: Path) -> float:
    began = time.perf_counter()
    sub = open_submission(module, "bench", isolated=True, call_timeout=600)
    try:
        assert sub.call("ping") == 1
        return time.perf_counter() - began
    finally:
        sub.close()


def use_mode(mode: str) -> str | None:
    """Switch this process's children to `mode`; why it cannot work here, or None."""
    os.environ[isolation.SANDBOX_ENV] = mode
    isolation.mode.cache_clear()
    try:
        isolation.mode()
    except RuntimeError as error:
        return str(error)
    return None


def restrict_ms(rules: list[tuple[str, str]], times: int = 50) -> list[float]:
    """Milliseconds `landlock.restrict(rules)` takes, each in a fresh fork of this (single-threaded) process."""
    spent = []
    for _ in range(times):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            began = time.perf_counter()
            landlock.restrict(rules)
            os.write(write_end, json.dumps(1000 * (time.perf_counter() - began)).encode())
            os._exit(0)
        os.close(write_end)
        spent.append(json.loads(os.read(read_end, 64)))
        os.close(read_end)
        os.waitpid(pid, 0)
    return spent


def landlock_table() -> None:
    if landlock.abi() < 1:
        print("\nLandlock: this kernel has none")
        return
    use_mode("landlock")
    print(f"\nLandlock ABI {landlock.abi()}: milliseconds to apply one layer (50 fresh forks)")
    print(f"{'layer':14} {'denied':7} {'rules':>5} {'median ms':>10} {'max ms':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for label, layer in LAYERS:
            for denied in ((), ("cv2",)):
                rules = [tuple(r) for r in json.loads(isolation.confinement(Path(folder), layer=layer,
                                                                         deny_imports=denied))["landlock"]]
                spent = restrict_ms(rules)
                print(f"{label:14} {','.join(denied) or '-':7} {len(rules):5} {statistics.median(spent):10.2f} "
                      f"{max(spent):7.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    landlock_table()  # first, while this process has no threads (torch would start some)
    modes = []
    for mode in ("rlimits", "landlock", "bwrap"):
        problem = use_mode(mode)
        if problem:
            print(f"{mode}: left out ({problem})")
        else:
            modes.append(mode)
    print(f"\n{'mode':8} {'start':7} {'submission':32} {'median s':>9} {'min s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, source in SUBMISSIONS.items():
            module = Path(tmp) / label.replace(" ", "_").replace("+", "_") / "bench.py"
            module.parent.mkdir()
            module.write_text(source)
            for mode in modes:
                use_mode(mode)
                for start, warm in (("direct", "0"), ("warm", "1")):
                    os.environ[ZYGOTE_ENV] = warm
                    zygote.close_all()
                    if warm == "1":
                        start_once(module)  # starts the zygote
                    times = [start_once(module) for _ in range(args.repeat)]
                    print(f"{mode:8} {start:7} {label:32} {statistics.median(times):9.3f} {min(times):7.3f}", flush=True)


if __name__ == "__main__":
    main()
