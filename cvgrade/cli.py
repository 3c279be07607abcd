"""The `cvgrade` command line: release, grade, selfcheck, course release, autograde, demo."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from cvgrade import paths
from cvgrade.harness import grading
from cvgrade.harness.workers import WorkerPool
from cvgrade.release import stubs, selfcheck
from cvgrade.sandbox import isolation
from cvgrade.workflow import autograde
from cvgrade.workflow import course as course_mod


def _release(args) -> int:
    root = paths.course_root()
    if args.check:
        drifted = stubs.drift(root)
        for name in drifted:
            print(f"out of date: {paths.ASSIGNMENTS}/{name}")
        if drifted:
            print("run `cvgrade release` and commit the result")
        return 1 if drifted else 0
    written = stubs.write_release(root)
    print(f"wrote {len(written)} files to {root / paths.ASSIGNMENTS}")
    return 0


def _warn_if_not_sandboxed() -> None:
    warning = isolation.describe()["warning"]
    if warning:
        print(f"WARNING: {warning}", file=sys.stderr)


def _grade(args) -> int:
    root = paths.course_root()
    if not args.in_process:
        _warn_if_not_sandboxed()
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


def _course_release(args) -> int:
    course = course_mod.course_at(args.course)
    topics = args.topic or paths.topics(course.kit)
    course_mod.release_topics(course, topics)
    for topic in topics:
        print(f"released {topic}: {course.topic_dir('source', topic)} -> nbgrader exchange {course.exchange}")
    return 0


def _autograde(args) -> int:
    course = course_mod.course_at(args.course)
    _warn_if_not_sandboxed()
    if args.scheduler:
        from cvgrade.harness.dask_pool import DaskPool

        pool_factory = lambda: DaskPool(args.scheduler)  # noqa: E731
    else:
        pool_factory = lambda: WorkerPool(args.workers)  # noqa: E731
    with pool_factory() as pool:
        outcomes = autograde.autograde(course, args.topic, pool=pool, force=args.force,
                                       gradescope_json=args.format == "gradescope", device=args.device,
                                       call_timeout=args.call_timeout)
        peaks = [f"{w.peak_rss_mb:.0f} MB" for w in pool.workers if w.sessions]
    print(autograde.outcome_table(args.topic, outcomes))
    if peaks:
        print(f"peak memory per worker: {', '.join(peaks)}")
    print(f"reports: {course.root / 'autograded'}/<student>/{args.topic}/{autograde.REPORT}")
    print(f"feedback: {course.root / 'feedback'}/<student>/{args.topic}/{autograde.FEEDBACK_PAGE}")
    return 0


def _gradescope_build(args) -> int:
    from cvgrade.workflow import feedback, gradescope_autograder

    kit = course_mod.kit_root()
    try:
        policy = feedback.CvgradeFeedback(config=course_mod.course_at(args.course).config())
    except FileNotFoundError:
        policy = feedback.CvgradeFeedback()
    out = gradescope_autograder.build(kit, args.topic, args.out, policy)
    print(f"wrote {out}: upload it as the autograder of a Gradescope 'Programming Assignment'; "
          f"students submit {args.topic}.py")
    return 0


def _gradescope_run(args) -> int:
    from cvgrade.workflow import gradescope_autograder

    results = gradescope_autograder.run(args.autograder, args.topic)
    print(f"{args.topic}: {results['score']:g} points; results in {args.autograder / 'results' / 'results.json'}")
    return 0


def _demo(args) -> int:
    from cvgrade.workflow import demo

    return demo.run(workers=args.workers, keep=args.keep)


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

    p = commands.add_parser("course", help="nbgrader course actions")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("release", help="assemble nbgrader source/<topic>/, generate_assignment, release_assignment")
    q.add_argument("topic", nargs="*", help="topics to release (default: all)")
    q.add_argument("--course", type=Path, help="course directory (default: the cwd if it has nbgrader_config.py, else the kit)")
    q.set_defaults(run=_course_release)

    p = commands.add_parser("autograde", help="grade every submitted/<student>/TOPIC of an nbgrader course")
    p.add_argument("topic")
    p.add_argument("--course", type=Path, help="course directory (default: the cwd if it has nbgrader_config.py, else the kit)")
    p.add_argument("--workers", type=int, default=1, help="warm grading workers run in parallel")
    p.add_argument("--scheduler", help="grade on a Dask cluster: its scheduler address, or local:N for N local "
                                       "worker processes (one warm grading worker each)")
    p.add_argument("--force", action="store_true", help="grade again submissions that already have a report")
    p.add_argument("--format", choices=("nbgrader", "gradescope"), default="nbgrader",
                   help="gradescope: also write autograded/<student>/TOPIC/results.json")
    p.add_argument("--device", choices=("cpu", "cuda"))
    p.add_argument("--call-timeout", type=float)
    p.set_defaults(run=_autograde)

    p = commands.add_parser("gradescope", help="Gradescope autograder: build its zip, or run it on a submission")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("build", help="write the autograder zip of TOPIC (setup.sh, run_autograder, the kit)")
    q.add_argument("topic")
    q.add_argument("--out", type=Path, default=Path("autograder.zip"))
    q.add_argument("--course", type=Path, help="course whose feedback policy to ship (default: as for autograde)")
    q.set_defaults(run=_gradescope_build)
    q = actions.add_parser("run", help="inside Gradescope: grade /autograder/submission, write results.json")
    q.add_argument("topic")
    q.add_argument("--autograder", type=Path, default=Path("/autograder"))
    q.set_defaults(run=_gradescope_run)

    p = commands.add_parser("demo", help="the end-to-end job on bundled data: a temporary nbgrader course, graded")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--keep", type=Path, help="build the course here and keep it (default: a temporary folder)")
    p.set_defaults(run=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
