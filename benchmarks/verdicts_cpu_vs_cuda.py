"""Same verdicts on CPU and CUDA: grade the solutions, the stubs and every mutant of every topic on both devices.

Run on a machine with a CUDA GPU:  python benchmarks/verdicts_cpu_vs_cuda.py [TOPIC ...]
It prints every graded test whose verdict differs between the devices (goal: none) and, per
device, the largest error / tolerance ratio a passing test reached (how close a correct result
comes to its tolerance: below 1 passes; near 1 means the tolerance is tight on that device).
Without a GPU it says so and exits 2; `--cpu-only` then prints the CPU figures alone.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from cvgrade import paths
from cvgrade.harness.workers import Worker, grade_topic_warm
from cvgrade.release import selfcheck


def submissions(root: Path, topic: str, scratch: Path):
    """(label, folder) of the solutions, the stubs and every mutant of `topic`."""
    yield "solutions", "solutions"
    yield "stubs", "stubs"
    for mutant in selfcheck.mutants(root, topic):
        yield f"mutant {mutant.stem}", selfcheck.write_mutant_submission(root, topic, mutant, scratch / mutant.stem)


def verdicts(worker: Worker, root: Path, topic: str, folder, device: str) -> dict[str, tuple[str, float | None]]:
    """Test id -> (outcome, error ratio) of one in-process grading session on `device`."""
    report = grade_topic_warm(worker, root, topic, folder, isolated=False, device=device)
    if report["status"] != "ok":
        raise RuntimeError(f"{topic} on {device}: the grading session failed:\n{report.get('error', '')}")
    return {t["id"]: (t["outcome"], t.get("error_ratio")) for t in report["tests"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("topic", nargs="*", help="topics to compare (default: all)")
    parser.add_argument("--cpu-only", action="store_true", help="without a GPU: print the CPU figures only")
    args = parser.parse_args()
    import torch

    devices = ["cpu", "cuda"]
    if not torch.cuda.is_available():
        if not args.cpu_only:
            print("This comparison needs a CUDA GPU (torch sees none here). Run it on a GPU machine, "
                  "or pass --cpu-only for the CPU figures alone.")
            return 2
        devices = ["cpu"]
    root = paths.course_root(Path(__file__).parent)
    topics = args.topic or paths.topics(root)
    worker = Worker()
    differing, worst = [], {d: (0.0, "") for d in devices}
    graded = 0
    try:
        with tempfile.TemporaryDirectory(prefix="cvgrade-verdicts-") as tmp:
            for topic in topics:
                for label, folder in submissions(root, topic, Path(tmp) / topic):
                    seen = {d: verdicts(worker, root, topic, folder, d) for d in devices}
                    graded += 1
                    for device, tests in seen.items():
                        for test_id, (outcome, ratio) in tests.items():
                            if outcome == "passed" and ratio is not None and ratio > worst[device][0]:
                                worst[device] = (ratio, f"{label}: {test_id}")
                    if len(devices) == 2:
                        cpu, cuda = seen["cpu"], seen["cuda"]
                        for test_id in sorted(set(cpu) | set(cuda)):
                            a, b = cpu.get(test_id, ("missing", None))[0], cuda.get(test_id, ("missing", None))[0]
                            if a != b:
                                differing.append(f"{topic} {label}: {test_id}: cpu {a}, cuda {b}")
                print(f"{topic}: {graded} submissions graded so far", flush=True)
    finally:
        worker.stop()
    if len(devices) == 2:
        print(f"\nverdicts that differ between cpu and cuda: {len(differing)}")
        for line in differing:
            print(f"  {line}")
    print(f"\nlargest error / tolerance of a passing test, per device ({graded} submissions):")
    for device, (ratio, where) in worst.items():
        print(f"  {device:4s} {ratio:.3g}  ({where})")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
