"""The `cvgrade` command line: release, grade, selfcheck, demo."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from cvgrade import grading, paths, release, selfcheck


def _release(args) -> int:
    root = paths.course_root()
    if args.check:
        drifted = release.drift(root)
        for name in drifted:
            print(f"out of date: {paths.ASSIGNMENTS}/{name}")
        if drifted:
            print("run `cvgrade release` and commit the result")
        return 1 if drifted else 0
    written = release.write_release(root)
    print(f"wrote {len(written)} files to {root / paths.ASSIGNMENTS}")
    return 0


def _grade(args) -> int:
    root = paths.course_root()
    report = grading.grade(root, args.submission, args.topic or None, isolated=not args.in_process,
                           device=args.device, call_timeout=args.call_timeout, jobs=args.jobs)
    print(grading.score_table(report))
    for topic, t in report["topics"].items():
        if t.get("error"):
            print(f"\n{topic}: grading failed:\n{t['error']}", file=sys.stderr)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2) + "\n")
        print(f"report: {args.report}")
    return 0


def _selfcheck(args) -> int:
    root = paths.course_root()
    topics = args.topic or paths.topics(root)
    failures = 0
    for check in selfcheck.run(root, topics):
        failures += not check.ok
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.topic}: {check.name} ({check.detail})", flush=True)
    print(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


def _topics(args) -> int:
    print(grading.topics_markdown(paths.course_root()))
    return 0


def _demo(args) -> int:
    root = paths.course_root()
    start = time.monotonic()
    written = release.write_release(root)
    print(f"released {len(paths.topics(root))} topics ({len(written)} files) to {root / paths.ASSIGNMENTS}\n")
    for label, which in (("instructor solutions", "solutions"), ("generated stubs", "stubs")):
        report = grading.grade(root, which, isolated=True, jobs=2)
        print(f"{label} (isolated):\n{grading.score_table(report)}\n")
    print(f"done in {time.monotonic() - start:.0f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cvgrade", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("release", help="regenerate assignments/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report drift; exit 1 if assignments/ is out of date")
    p.set_defaults(run=_release)

    p = commands.add_parser("grade", help="grade a submission folder and print the score table")
    p.add_argument("submission", help="'solutions', 'stubs' or a folder with <topic>.py files")
    p.add_argument("--topic", action="append", help="grade only this topic (repeatable)")
    p.add_argument("--in-process", action="store_true", help="run the code in the grading process (trusted code only)")
    p.add_argument("--device", choices=("cpu", "cuda"))
    p.add_argument("--call-timeout", type=float)
    p.add_argument("--jobs", type=int, default=1, help="topics graded in parallel")
    p.add_argument("--report", help="write the JSON report here")
    p.set_defaults(run=_grade)

    p = commands.add_parser("selfcheck", help="solutions score 100%% in both modes, stubs 0, every mutant caught")
    p.add_argument("topic", nargs="*")
    p.set_defaults(run=_selfcheck)

    p = commands.add_parser("topics", help="print the topic table (graded names, points) in Markdown")
    p.set_defaults(run=_topics)

    p = commands.add_parser("demo", help="the end-to-end job on bundled data")
    p.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
