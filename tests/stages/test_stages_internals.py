"""Pieces of the stage machinery: conflict parsing, patch scope, stack refresh, blocked paths."""

from __future__ import annotations

import subprocess
import types

import pytest
from stagecourse import EXERCISES, Course, git, starts, write_files

from stages import StageError, commands, live, trees
from stages.catalog import discover

GIT_APPLY_ERRORS = """\
error: patch failed: src/api/routes/users.py:12
error: src/api/routes/users.py: patch does not apply
error: src/auth.py: already exists in working directory
error: src/gone.py: No such file or directory
error: kubernetes/api.yaml: does not match index
error: unrelated.txt: patch does not apply
"""


def test_conflicting_files_are_parsed_from_git_apply():
    touched = ["src/api/routes/users.py", "src/auth.py", "src/gone.py", "kubernetes/api.yaml"]
    assert commands.conflicting_files(GIT_APPLY_ERRORS, touched) == touched


def test_patch_paths_include_both_names_of_a_rename(course: Course):
    git(course.root, "mv", "src/util.py", "src/helpers.py")
    git(course.root, "commit", "-q", "-m", "rename")
    patch = course.root / "rename.patch"
    patch.write_text(git(course.root, "diff", "-M", "HEAD~1", "HEAD").stdout)
    assert trees.patch_paths(course.root, patch) == ["src/helpers.py", "src/util.py"]


def test_a_solution_outside_the_managed_paths_is_refused(course: Course):
    (course.root / "README.md").write_text("# the course, solved\n")
    patch = git(course.root, "diff").stdout
    git(course.root, "checkout", "README.md")
    (course.root / "solutions" / f"{EXERCISES[0]}.patch").write_text(patch)
    before = course.tree()
    with pytest.raises(StageError, match="changes README.md: a solution may only change src"):
        commands.solve(course.root, "a01")
    with pytest.raises(StageError, match="changes README.md"):
        commands.reset(course.root, "a02")
    assert course.tree() == before and course.backups() == []


def test_a_broken_solution_is_reported_as_a_course_bug(course: Course):
    (course.root / "solutions" / f"{EXERCISES[1]}.patch").write_text(
        "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,1 +1,1 @@\n-not there\n+x\n")
    with pytest.raises(StageError, match="does not apply to the start of A02 \\(a course bug\\)"):
        commands.reset(course.root, "a04")


def test_an_ignored_file_in_the_way_stops_reset_before_any_change(course: Course):
    commands.reset(course.root, "a01")
    # src/auth.py appears in the start of A02; make an ignored file sit there
    (course.root / ".git" / "info" / "exclude").write_text("src/auth.py\n")
    write_files(course.root, {"src/auth.py": (b"ignored, mine\n", False)})
    backups = course.backups()
    with pytest.raises(StageError, match="cannot write src/auth.py: an ignored file"):
        commands.reset(course.root, "a02")
    assert (course.root / "src/auth.py").read_bytes() == b"ignored, mine\n"
    assert course.tree() == dict(starts()[0], **{"src/auth.py": (b"ignored, mine\n", False)})
    assert course.backups() == backups


def test_a_file_becomes_a_folder_and_back(course: Course):
    (course.root / "src/pkg/__init__.py").unlink()
    (course.root / "src/pkg").rmdir()
    write_files(course.root, {"src/pkg": (b"now a file\n", False)})
    dirty = course.tree()
    commands.reset(course.root, "a01")
    assert course.tree() == starts()[0]
    commands.restore(course.root)
    assert course.tree() == dirty


def test_stage_discovery_needs_contiguous_numbers(course: Course):
    assert [s.id for s in discover(course.root)] == ["a01", "a02", "a04", "a05", "a09"]
    (course.root / "exercises" / EXERCISES[2]).rename(course.root / "exercises" / "07-a04-x")
    with pytest.raises(StageError, match="04-a05-security-misconfiguration: expected number 03"):
        discover(course.root)


class FakeStack:
    """Stands in for stack.local and pip: records what a refresh does."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, running: bool) -> None:
        from stack import local

        self.calls: list[str] = []
        monkeypatch.setattr(local, "status", lambda config: {"api": (running, "")})
        monkeypatch.setattr(local, "restart_app",
                            lambda config, say: self.calls.append(f"restart {config.root.name}"))
        monkeypatch.setattr(live, "subprocess", types.SimpleNamespace(
            run=lambda command, **kw: self.calls.append(" ".join(command[1:])),
            CalledProcessError=subprocess.CalledProcessError))


@pytest.fixture
def stack_json(course: Course) -> None:
    from stack.config import load, save

    save(load(course.root / ".workshop"))  # as after `make up` in that checkout


@pytest.mark.usefixtures("stack_json")
def test_reset_restarts_a_running_stack_and_reinstalls(course: Course, monkeypatch, capsys):
    fake = FakeStack(monkeypatch, running=True)
    assert commands.reset(course.root, "a04") == 0  # changes pyproject.toml and src/
    assert fake.calls == ["-m pip install -q -e .[dev]", "restart work"]
    assert "Restarted the API" in capsys.readouterr().out


@pytest.mark.usefixtures("stack_json")
def test_no_restart_when_only_manifests_change(course: Course, monkeypatch, capsys):
    fake = FakeStack(monkeypatch, running=True)
    write_files(course.root, {"kubernetes/x.yaml": (b"edited\n", False)})
    commands.reset(course.root, "a01")
    assert fake.calls == []
    assert "needs no restart" in capsys.readouterr().out


@pytest.mark.usefixtures("stack_json")
def test_stopped_stack_is_left_alone(course: Course, monkeypatch, capsys):
    fake = FakeStack(monkeypatch, running=False)
    commands.solve(course.root, "a01")
    assert fake.calls == []
    assert "start it with: make up" in capsys.readouterr().out
