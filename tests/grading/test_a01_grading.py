"""Proof that the A01 grader grades: it fails the start, passes the solution, and
catches partial solutions.

Every case runs the real grader (`python -m checks run a01 --json`) against a
real stack (PostgreSQL, gunicorn, reconciler) started from a temporary copy of
the course, never from this checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from stack.config import ROOT, free_port

pytestmark = pytest.mark.integration

SOLUTION = ROOT / "solutions" / "01-a01-broken-access-control.patch"
ALL_CHECKS = {f"A01-{n:02d}" for n in range(1, 13)}


def run(copy: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": f"{copy}{os.pathsep}{copy / 'src'}"}
    result = subprocess.run([sys.executable, *args], cwd=copy, env=env, capture_output=True,
                            text=True, timeout=300)
    if check and result.returncode:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


class Course:
    """A copy of the course with its own stack; `code(...)` swaps the app's code."""

    def __init__(self, copy: Path) -> None:
        self.copy, self.state = copy, copy / ".workshop"
        self.pristine = {path: (copy / path).read_bytes() for path in self.managed()}

    def managed(self) -> list[str]:
        """What a solution may change: src/, kubernetes/ and pyproject.toml."""
        files = [self.copy / "pyproject.toml"]
        for folder in ("src", "kubernetes"):
            files += [p for p in (self.copy / folder).rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts]
        return [str(p.relative_to(self.copy)) for p in files]

    def code(self, solution: bool, edits: dict[str, tuple[str, str]] | None = None) -> None:
        """Start state (+ the solution) (+ text edits {file: (old, new)}), then restart."""
        for path in list(self.managed()):
            if path not in self.pristine:
                (self.copy / path).unlink()
        for path, content in self.pristine.items():
            (self.copy / path).write_bytes(content)
        if solution:
            subprocess.run(["git", "apply", str(SOLUTION)], cwd=self.copy, check=True)
        for path, (old, new) in (edits or {}).items():
            text = (self.copy / path).read_text()
            assert old in text, f"{old!r} not in {path}: update this broken variant"
            (self.copy / path).write_text(text.replace(old, new))
        # exit 1 is fine here: a broken variant may leave the reconciler failing
        run(self.copy, "-m", "stack", "restart", "--state-dir", str(self.state), check=False)

    def grade(self) -> dict[str, str]:
        result = run(self.copy, "-m", "checks", "run", "a01", "--json", "--state-dir",
                     str(self.state), check=False)
        assert "Traceback" not in result.stderr, result.stderr
        report = json.loads(result.stdout)
        statuses = {r["id"]: r["status"] for r in report["results"]}
        assert set(statuses) == ALL_CHECKS
        for check in report["results"]:  # every failure points at a step of the exercise
            if check["status"] == "FAIL":
                assert "exercises/01-a01-broken-access-control/README.md step" in check["hint"]
        self.details = {r["id"]: r["detail"] for r in report["results"]}
        assert result.returncode == (0 if report["summary"]["ok"] else 1)
        return statuses


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Iterator[Course]:
    copy = tmp_path_factory.mktemp("a01-course") / "course"
    shutil.copytree(ROOT, copy, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".workshop", "__pycache__", ".pytest_cache", ".ruff_cache"))
    # the copy's src/ at the course's start, whatever this checkout's src/ holds
    run(copy, "-m", "stages", "reset", "a01")
    course = Course(copy)
    env = {**os.environ, "WORKSHOP_API_PORT": str(free_port()),
           "WORKSHOP_PG_PORT": str(free_port()), "PYTHONPATH": f"{copy}{os.pathsep}{copy / 'src'}"}
    copy.chmod(0o755)  # as root, the `postgres` user must reach the cluster folder
    up = subprocess.run([sys.executable, "-m", "stack", "up", "--state-dir", str(course.state)],
                        cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        yield course
    finally:
        run(copy, "-m", "stack", "destroy", "--state-dir", str(course.state), check=False)


def test_start_fails_with_hints_but_legitimate_use_passes(course):
    course.code(solution=False)
    statuses = course.grade()
    must_fail = {"A01-01", "A01-02", "A01-03", "A01-04", "A01-05", "A01-06", "A01-08",
                 "A01-10", "A01-11"}
    assert {i for i, s in statuses.items() if s == "FAIL"} == must_fail
    # two-sided: what already works on the open API passes from the start
    assert statuses["A01-07"] == statuses["A01-09"] == statuses["A01-12"] == "PASS"


def test_solution_passes_every_check(course):
    course.code(solution=True)
    assert set(course.grade().values()) == {"PASS"}


BROKEN = {
    "transaction routes left open": (
        {"src/api/routes/transactions.py": ('@require_permission("read:transaction")\n', "")},
        {"A01-01", "A01-05", "A01-06"},
    ),
    "authorize logs but falls through": (
        {"src/api/auth.py": ('                return jsonify(error=f"missing permission {permission}"), 403',
                             '                current_app.logger.warning("missing %s", permission)')},
        {"A01-05", "A01-06", "A01-08"},
    ),
    "expired tokens accepted": (
        {"src/api/config.py": ('"JWT_ACCESS_TOKEN_EXPIRES": TOKEN_LIFETIME,',
                               '"JWT_ACCESS_TOKEN_EXPIRES": TOKEN_LIFETIME, "JWT_DECODE_LEEWAY": 10**8,')},
        {"A01-04"},
    ),
    "tokens that live for a month": (
        {"src/api/config.py": ("TOKEN_LIFETIME = timedelta(minutes=15)",
                               "TOKEN_LIFETIME = timedelta(days=30)")},
        {"A01-03"},
    ),
    "reconciler left without a token": (
        {"src/reconciler/__main__.py": ("        login(session, base_url, credential)\n", "")},
        {"A01-09"},
    ),
    "everyone refused (403 for all)": (
        {"src/api/auth.py": ("if permission not in get_jwt().get(\"permissions\", []):", "if True:")},
        {"A01-06", "A01-07", "A01-08", "A01-09"},
    ),
}


@pytest.mark.parametrize("variant", list(BROKEN))
def test_partial_solutions_fail_the_check_that_guards_them(course, variant):
    edits, guards = BROKEN[variant]
    course.code(solution=True, edits=edits)
    statuses = course.grade()
    failed = {i for i, s in statuses.items() if s != "PASS"}
    assert guards <= failed, f"{variant}: expected {sorted(guards)} to fail, failed {sorted(failed)}"


def test_open_routes_are_named(course):
    course.code(solution=True, edits=BROKEN["transaction routes left open"][0])
    course.grade()
    assert "GET /transactions" in course.details["A01-01"]
    assert "/users" not in course.details["A01-01"]
