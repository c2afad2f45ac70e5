"""The real course (this repository), read-only: its solutions apply in sequence.

Works on copies in tmp: a `git clone` (committed files only) and a clone
overlaid with the working copy's course files outside the managed paths
(exercises/, solutions/, …), so a solution being written is checked before it
is committed. The managed paths (src/, …) keep their committed version: an
attendee's working copy may be at any stage, and `make test` must still pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from stagecourse import git

from stages import commands, is_managed
from stages.catalog import discover

REPO = Path(__file__).resolve().parents[2]
TEACHING_ORDER = [
    "01-a01-broken-access-control",
    "02-a02-cryptographic-failures",
    "03-a04-insecure-design",
    "04-a05-security-misconfiguration",
    "05-a09-security-logging-monitoring",
]


def overlay_working_copy(clone: Path) -> None:
    """Make the clone's unmanaged files those of REPO's working copy (tracked and
    untracked, not ignored; deletions too) and commit them there."""
    present = git(REPO, "ls-files", "-z", "-co", "--exclude-standard").stdout.split("\0")
    for path in filter(lambda p: p and not is_managed(p), present):
        source, target = REPO / path, clone / path
        if source.is_file() or source.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
        elif not source.exists():
            target.unlink(missing_ok=True)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "--allow-empty", "-m", "the working copy of " + str(REPO))


@pytest.fixture(params=["committed", "working-copy"])
def real_course(request, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    clone = tmp_path / "course"
    git(tmp_path, "clone", "-q", str(REPO), str(clone))
    if request.param == "working-copy":
        overlay_working_copy(clone)
        monkeypatch.setenv("WORKSHOP_BASE_REF", "HEAD")
    return clone


def test_the_course_has_its_exercises_and_solutions_apply_in_sequence(real_course: Path):
    exercises = sorted(p.name for p in (real_course / "exercises").iterdir() if p.is_dir()) \
        if (real_course / "exercises").is_dir() else []
    assert exercises == TEACHING_ORDER, (
        f"expected the exercise folders {TEACHING_ORDER} (committed), found {exercises}")
    stages = discover(real_course)
    patches = sorted(p.name for p in (real_course / "solutions").glob("*.patch"))
    with_solution = [s.solution.name for s in stages if s.has_solution]
    assert patches == with_solution, (
        f"every solutions/*.patch must be named after its exercise folder: {patches}")
    assert with_solution, "no solution patch at all: expected at least solutions/01-a01-….patch"
    assert with_solution == [s.solution.name for s in stages[:len(with_solution)]], (
        f"the solutions must be those of the first stages, without a gap: {with_solution}")

    # 1) plain git: every patch applies, in order, to the committed start of stage 1
    for name in with_solution:
        check = git(real_course, "apply", "--check", f"solutions/{name}", check=False)
        assert check.returncode == 0, f"solutions/{name} does not apply in sequence:\n{check.stderr}"
        git(real_course, "apply", f"solutions/{name}")
    git(real_course, "checkout", "--", ".")  # the start of stage 1 again
    git(real_course, "clean", "-q", "-fd", "--", "src", "kubernetes", "mk")

    # 2) the stage commands reproduce the same: start N + solution N = start N+1
    assert commands.describe_position(real_course) == "the start of A01"
    for stage in stages[:len(with_solution)]:
        assert commands.reset(real_course, stage.id) == 0
        assert commands.solve(real_course, stage.id) == 0
        expected = (f"the start of {stages[stage.number].name} (= {stage.name} solved)"
                    if stage.number < len(stages) else f"{stage.name} solved")
        assert commands.describe_position(real_course) == expected
