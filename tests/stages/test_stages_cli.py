"""`python -m stages …` as the Makefile runs it: exit codes and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from stagecourse import Course, starts

PACKAGE_REPO = Path(__file__).resolve().parents[2]


def run(course: Course, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WORKSHOP_ROOT": str(course.root)}
    return subprocess.run([sys.executable, "-m", "stages", *args], cwd=PACKAGE_REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_reset_solve_which_restore(course: Course):
    assert run(course, "reset", "a02").returncode == 0
    assert course.tree() == starts()[1]
    result = run(course, "which")
    assert result.returncode == 0 and "the start of A02 (= A01 solved)" in result.stdout
    assert run(course, "solve", "a02").returncode == 0
    assert course.tree() == starts()[2]
    backups = course.backups()
    result = run(course, "restore", "--backup", str(backups[0]))
    assert result.returncode == 0 and "Restored" in result.stdout
    assert course.tree() == starts()[0]
    assert "A09" in run(course, "list").stdout


def test_cli_errors_are_one_line_with_exit_codes(course: Course):
    unknown = run(course, "reset", "a03")
    assert unknown.returncode == 1
    assert unknown.stderr.strip().splitlines() == [
        "error: unknown stage 'a03': the stages are a01, a02, a04, a05, a09"]
    missing = run(course, "solve", "a09")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "no solution for A09 yet" in missing.stderr
    assert run(course, "restore").returncode == 2  # no backup yet
    usage = run(course, "frobnicate")
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_cli_outside_a_repository(tmp_path: Path):
    env = {**os.environ, "WORKSHOP_ROOT": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "stages", "which"], cwd=PACKAGE_REPO,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "not a git working copy" in result.stderr
