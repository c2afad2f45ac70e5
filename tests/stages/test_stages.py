"""reset / solve / restore / which / list against the synthetic course (see conftest.py)."""

from __future__ import annotations

import json
import stat
import tarfile

import pytest
from stagecourse import IGNORED, SOLUTIONS, Course, git, starts, write_files

from stages import StageError, commands

STAGE_IDS = ["a01", "a02", "a04", "a05", "a09"]
WITH_START = STAGE_IDS[: len(SOLUTIONS) + 1]  # a01 … a05: every solution before them exists


def make_dirty(course: Course) -> None:
    """Attendee work: a modified, a deleted, a new file in a new folder, an exec-bit change."""
    write_files(course.root, {
        "src/app.py": (b"# my attempt\n", False),
        "src/util.py": None,
        "src/mine/notes.py": (b"NOTES = 1\n", False),
        "kubernetes/extra.yaml": (b"kind: ConfigMap\n", False),
    })
    (course.root / "build-deploy").chmod(0o644)


@pytest.mark.parametrize("number", range(1, len(WITH_START) + 1))
def test_reset_gives_exactly_the_start_of_each_stage(course: Course, number: int, capsys):
    make_dirty(course)
    assert commands.reset(course.root, STAGE_IDS[number - 1]) == 0
    assert course.tree() == starts()[number - 1]
    out = capsys.readouterr().out
    assert f"start of {STAGE_IDS[number - 1].upper()}" in out
    assert "origin/main" in out and "start it with: make up" in out


@pytest.mark.parametrize("number", sorted(SOLUTIONS))
def test_start_plus_solution_is_the_next_start(course: Course, number: int, capsys):
    stage = STAGE_IDS[number - 1]
    commands.reset(course.root, stage)
    assert commands.solve(course.root, stage) == 0
    assert course.tree() == starts()[number]
    nxt = STAGE_IDS[number]
    assert f"now: the start of {nxt.upper()} (= {stage.upper()} solved)" in capsys.readouterr().out
    assert commands.reset(course.root, nxt) == 0
    assert course.tree() == starts()[number]


def test_a_fresh_clone_is_the_start_of_a01_and_solve_then_which(course: Course, capsys):
    assert commands.which(course.root) == 0
    assert "Your working copy: the start of A01." in capsys.readouterr().out
    assert commands.solve(course.root, "a01") == 0
    commands.which(course.root)
    assert "the start of A02 (= A01 solved)" in capsys.readouterr().out


def test_which_names_the_nearest_stage_and_the_changed_files(course: Course, capsys):
    commands.reset(course.root, "a02")
    write_files(course.root, {"src/auth.py": (b"# edited\n", False),
                              "src/new.py": (b"x = 1\n", False)})
    (course.root / "mk/extra.mk").unlink()
    capsys.readouterr()
    commands.which(course.root)
    assert ("modified from the start of A02 (3 file(s) changed: mk/extra.mk (deleted), "
            "src/auth.py, src/new.py (new))") in capsys.readouterr().out


def test_which_after_the_last_solution(course: Course, capsys):
    commands.reset(course.root, "a04")
    commands.solve(course.root, "a04")
    capsys.readouterr()
    commands.which(course.root)
    assert "the start of A05 (= A04 solved)" in capsys.readouterr().out


def test_dirty_reset_backs_up_everything_and_restore_brings_it_back(course: Course, capsys):
    make_dirty(course)
    dirty = course.tree()
    assert commands.reset(course.root, "a02") == 0
    assert course.tree() == starts()[1]
    [backup] = course.backups()
    assert backup.name.endswith("-before-reset-a02")
    out = capsys.readouterr().out
    assert f".workshop/backups/{backup.name}/" in out and "make restore" in out
    with tarfile.open(backup / "files.tar") as tar:
        names = set(tar.getnames())
    assert names == set(dirty)  # every managed file, untracked ones too, no ignored ones
    patch = (backup / "changes.patch").read_text()
    for expected in ("+# my attempt", "deleted file mode", "b/src/mine/notes.py",
                     "b/kubernetes/extra.yaml", "old mode 100755"):
        assert expected in patch
    info = json.loads((backup / "backup.json").read_text())
    assert info["action"] == "reset-a02" and "src/mine/notes.py" in info["files"]

    assert commands.restore(course.root) == 0
    assert course.tree() == dirty
    assert len(course.backups()) == 2  # restore backed up the a02 state first
    assert commands.restore(course.root) == 0  # … so restore is undoable
    assert course.tree() == starts()[1]


def test_changes_patch_recreates_the_work(course: Course, tmp_path):
    make_dirty(course)
    dirty = course.tree()
    commands.reset(course.root, "a01")
    [backup] = course.backups()
    assert course.tree() == starts()[0]
    git(course.root, "apply", str(backup / "changes.patch"))
    assert course.tree() == dirty


def test_reset_twice_loses_nothing(course: Course):
    """The second reset changes nothing, so it makes no (empty) backup that would hide
    the real one from a plain `make restore`."""
    make_dirty(course)
    dirty = course.tree()
    commands.reset(course.root, "a01")
    commands.reset(course.root, "a01")
    assert len(course.backups()) == 1
    commands.restore(course.root)
    assert course.tree() == dirty


def test_each_real_reset_keeps_its_own_backup(course: Course):
    make_dirty(course)
    dirty = course.tree()
    commands.reset(course.root, "a02")
    at_a02 = course.tree()
    commands.reset(course.root, "a01")
    (first,) = [b for b in course.backups() if b.name.endswith("before-reset-a02")]
    (second,) = [b for b in course.backups() if b.name.endswith("before-reset-a01")]
    commands.restore(course.root, str(first))
    assert course.tree() == dirty
    commands.restore(course.root, second.name)
    assert course.tree() == at_a02


def test_restore_without_backup(course: Course):
    with pytest.raises(StageError, match="no backup yet") as error:
        commands.restore(course.root)
    assert error.value.exit_code == 2


def test_ignored_files_survive_reset_and_restore(course: Course):
    make_dirty(course)
    for stage in ("a05", "a01"):
        commands.reset(course.root, stage)
        for path in IGNORED:
            assert (course.root / path).read_bytes() == b"SECRET=generated\n"
    commands.restore(course.root)
    for path in IGNORED:
        assert (course.root / path).read_bytes() == b"SECRET=generated\n"
    with tarfile.open(course.backups()[0] / "files.tar") as tar:
        assert not set(IGNORED) & set(tar.getnames())


def test_executable_bit_is_kept(course: Course):
    build_deploy = course.root / "build-deploy"
    build_deploy.chmod(0o644)
    commands.reset(course.root, "a01")
    assert build_deploy.stat().st_mode & stat.S_IXUSR
    commands.reset(course.root, "a04")
    commands.solve(course.root, "a04")  # rewrites build-deploy
    assert build_deploy.stat().st_mode & stat.S_IXUSR
    assert build_deploy.read_bytes() == starts()[3]["build-deploy"][0]


def test_unmanaged_files_are_never_touched(course: Course):
    write_files(course.root, {"README.md": (b"my notes\n", False),
                              "exercises/01-a01-broken-access-control/mine.txt": (b"x\n", False),
                              "scratch.py": (b"y\n", False)})
    commands.reset(course.root, "a02")
    commands.restore(course.root)
    assert (course.root / "README.md").read_bytes() == b"my notes\n"
    assert (course.root / "exercises/01-a01-broken-access-control/mine.txt").exists()
    assert (course.root / "scratch.py").exists()


def test_solve_on_a_conflicting_edit_changes_nothing(course: Course, capsys):
    write_files(course.root, {"src/app.py": (b"def balance(user, acct):\n    return 0\n", False),
                              "src/auth.py": (b"mine\n", False)})
    before = course.tree()
    assert commands.solve(course.root, "a01") == 1
    out = capsys.readouterr().out
    assert "nothing was changed" in out
    assert "conflict with it in: src/app.py, src/auth.py" in out
    assert "make reset-a01" in out and "make solve-a01" in out
    assert course.tree() == before
    assert course.backups() == []


def test_solve_twice_says_nothing_to_do(course: Course, capsys):
    commands.solve(course.root, "a01")
    assert commands.solve(course.root, "a01") == 0
    assert "already in your working copy" in capsys.readouterr().out
    assert len(course.backups()) == 1


def test_solve_keeps_unrelated_edits(course: Course):
    write_files(course.root, {"mk/extra.mk": (b"mine:\n", False)})
    assert commands.solve(course.root, "a01") == 0
    expected = dict(starts()[1], **{"mk/extra.mk": (b"mine:\n", False)})
    assert course.tree() == expected
    commands.restore(course.root)
    assert course.tree() == dict(starts()[0], **{"mk/extra.mk": (b"mine:\n", False)})


@pytest.mark.parametrize(("call", "message"), [
    (lambda root: commands.solve(root, "a05"), "no solution for A05 yet"),
    (lambda root: commands.solve(root, "a09"), "no solution for A09 yet"),
    (lambda root: commands.reset(root, "a09"), "needs the solution of A05"),
])
def test_missing_solution_exits_2_and_changes_nothing(course: Course, call, message):
    make_dirty(course)
    before = course.tree()
    with pytest.raises(StageError, match=message) as error:
        call(course.root)
    assert error.value.exit_code == 2
    assert course.tree() == before and course.backups() == []


def test_unknown_stage(course: Course):
    with pytest.raises(StageError, match="unknown stage 'a03'.*a01, a02, a04, a05, a09"):
        commands.reset(course.root, "a03")


def test_stage_names(course: Course):
    for name in ("2", "02", "A02", "02-a02-cryptographic-failures"):
        commands.reset(course.root, name)
        assert course.tree() == starts()[1]


def test_list(course: Course, capsys):
    assert commands.list_stages(course.root) == 0
    out = capsys.readouterr().out
    assert "A01  exercises/01-a01-broken-access-control" in out
    assert "solutions/01-a01-broken-access-control.patch (2 file(s))" in out
    assert "solutions/02-a02-cryptographic-failures.patch (4 file(s))" in out
    assert out.count("no solution yet") == 2


# --- where the course files come from ------------------------------------------------

def test_base_is_head_without_origin(course: Course, capsys):
    git(course.root, "remote", "remove", "origin")
    make_dirty(course)
    commands.reset(course.root, "a02")
    assert course.tree() == starts()[1]
    assert "Course files from HEAD" in capsys.readouterr().out


def test_base_from_origin_ignores_and_warns_about_own_commits(course: Course, capsys):
    write_files(course.root, {"src/app.py": (b"# committed attempt\n", False)})
    git(course.root, "commit", "-q", "-am", "my attempt")
    commands.reset(course.root, "a01")
    out = capsys.readouterr().out
    assert "Course files from origin/main" in out
    assert "HEAD has 1 commit(s) beyond origin/main" in out and "my attempt" in out
    assert course.tree() == starts()[0]  # the course version, not the commit
    capsys.readouterr()
    commands.which(course.root)
    assert "the start of A01" in capsys.readouterr().out


def test_no_warning_for_commits_outside_the_managed_paths(course: Course, capsys):
    write_files(course.root, {"README.md": (b"notes\n", False)})
    git(course.root, "commit", "-q", "-am", "notes")
    commands.reset(course.root, "a01")
    assert "beyond" not in capsys.readouterr().out


def test_base_ref_from_the_environment(course: Course, monkeypatch, capsys):
    write_files(course.root, {"src/app.py": (b"# committed\n", False)})
    git(course.root, "commit", "-q", "-am", "mine")
    monkeypatch.setenv("WORKSHOP_BASE_REF", "HEAD")
    commands.reset(course.root, "a01")
    assert (course.root / "src/app.py").read_bytes() == b"# committed\n"
    assert "from WORKSHOP_BASE_REF" in capsys.readouterr().out
    monkeypatch.setenv("WORKSHOP_BASE_REF", "no-such-ref")
    with pytest.raises(StageError, match="WORKSHOP_BASE_REF=no-such-ref is not a commit"):
        commands.reset(course.root, "a01")


def test_base_falls_back_to_origin_head(course: Course, capsys):
    # a course whose default branch is not called main
    main = git(course.root, "rev-parse", "refs/remotes/origin/main").stdout.strip()
    git(course.root, "update-ref", "refs/remotes/origin/trunk", main)
    git(course.root, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    git(course.root, "update-ref", "-d", "refs/remotes/origin/main")
    make_dirty(course)
    commands.reset(course.root, "a01")
    assert "Course files from origin/HEAD" in capsys.readouterr().out
    assert course.tree() == starts()[0]
