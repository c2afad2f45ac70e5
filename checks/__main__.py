"""`python -m checks`: grade a workshop stage against the running stack.

  python -m checks run a01 [--target local|k3d] [--json] [--state-dir DIR]
  python -m checks hint a01        the hint of the first failing check
  python -m checks attack a01      the attack demo (exit 0 either way)
  python -m checks progress        which stages pass

Exit codes: 0 passed, 1 a check failed (or was skipped on local), 2 no such stage
or no checks for it yet, 3 the target is not running, 4 the grader itself broke.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.markup import escape

from checks import a01, report  # noqa: F401 - importing a01 registers its checks
from checks.attacks import attack_a01
from checks.context import Context
from checks.registry import REGISTRY, STAGES, TARGETS, run_stage
from checks.targets import Target, TargetError, load_target
from stack.config import DEFAULT_STATE_DIR

EXIT_NO_CHECKS, EXIT_DOWN, EXIT_BROKEN = 2, 3, 4
ATTACKS = {"a01": attack_a01}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m checks", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = main.add_subparsers(dest="command", required=True)
    for name, text in (("run", "run a stage's checks"),
                       ("hint", "the hint of the first failing check"),
                       ("attack", "the stage's attack demo")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("stage", type=str.lower, help=f"one of {', '.join(STAGES)}")
        sub.add_argument("--target", choices=TARGETS, default="local")
        sub.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
        if name == "run":
            sub.add_argument("--json", action="store_true", help="machine-readable output")
    progress = commands.add_parser("progress", help="which stages pass")
    progress.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    return main


def fail_line(message: str) -> None:
    print(message, file=sys.stderr)


def connect(args: argparse.Namespace) -> Target | int:
    """The target, or an exit code after printing why it is not usable."""
    try:
        target = load_target(args.target, args.state_dir)
    except TargetError as error:
        fail_line(f"cannot grade: {error}")
        return EXIT_DOWN
    return target


def stage_checks(stage: str) -> list | int:
    if stage not in STAGES:
        fail_line(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}")
        return EXIT_NO_CHECKS
    checks = REGISTRY.for_stage(stage)
    if not checks:
        fail_line(f"no checks for {stage.upper()} yet")
        return EXIT_NO_CHECKS
    return checks


def cmd_run(args: argparse.Namespace, hint_only: bool = False) -> int:
    checks = stage_checks(args.stage)
    if isinstance(checks, int):
        return checks
    target = connect(args)
    if isinstance(target, int):
        return target
    context = Context(target)
    started = time.monotonic()
    try:
        results = run_stage(checks, context, target.name)
    finally:  # also on Ctrl-C: no scratch row stays behind
        context.cleanup()
    seconds = time.monotonic() - started
    summary = report.summarize(args.stage, target.name, results)
    try:
        report.record_progress(args.state_dir, summary)
    except OSError as error:
        fail_line(f"note: could not record progress in {args.state_dir}: {error.strerror}")
    for leftover in context.leftovers:
        fail_line(f"note: {leftover}")
    if hint_only:
        failure = report.first_failure(results)
        out = report.console()
        if failure is None:
            out.print(f"[green]{summary.line}[/] — no hint needed.")
            return 0
        out.print(f"[bold]{failure.id}[/] {escape(failure.description)}: [red]FAIL[/] — "
                  f"{escape(failure.detail)}")
        out.print(f"[bold]hint:[/] {escape(failure.hint)}")
        out.print(escape(summary.line))
        return 0
    if getattr(args, "json", False):
        print(report.as_json(results, summary))
    else:
        report.print_results(results, summary)
        report.console().print(f"[dim]({len(results)} checks in {seconds:.1f}s)[/]")
    return summary.exit_code


def cmd_attack(args: argparse.Namespace) -> int:
    attack = ATTACKS.get(args.stage)
    if attack is None:
        fail_line(f"no attack demo for {args.stage.upper()} yet")
        return EXIT_NO_CHECKS
    target = connect(args)
    if isinstance(target, int):
        return target
    return attack(Context(target, prefix="attacker"), report.console())


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "progress":
            report.print_progress(args.state_dir)
            return 0
        if args.command == "attack":
            return cmd_attack(args)
        return cmd_run(args, hint_only=args.command == "hint")
    except KeyboardInterrupt:
        fail_line("interrupted")
        return 130
    except Exception as error:  # noqa: BLE001 - never a traceback for the attendee
        fail_line(f"the grader broke: {type(error).__name__}: {error} "
                  "(please tell the trainer)")
        return EXIT_BROKEN


if __name__ == "__main__":
    sys.exit(main())
