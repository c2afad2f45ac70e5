"""Fixtures: the synthetic course (built once per session) and an attendee's clone of it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stagecourse import (
    EXERCISES,
    IGNORED,
    SOLUTIONS,
    START_1,
    UNMANAGED,
    Course,
    commit_all,
    git,
    write_files,
)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config, a fixed identity, no workshop variables."""
    for name, value in {
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Course", "GIT_AUTHOR_EMAIL": "course@example.org",
        "GIT_COMMITTER_NAME": "Course", "GIT_COMMITTER_EMAIL": "course@example.org",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("WORKSHOP_ROOT", "WORKSHOP_BASE_REF", "GIT_DIR", "GIT_WORK_TREE",
                 "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course repository: start-of-stage-1 files, exercises, solutions made with git diff."""
    env = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Course", "GIT_AUTHOR_EMAIL": "course@example.org",
           "GIT_COMMITTER_NAME": "Course", "GIT_COMMITTER_EMAIL": "course@example.org"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        root = tmp_path_factory.mktemp("course") / "upstream"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        write_files(root, START_1)
        write_files(root, {path: (data, False) for path, data in UNMANAGED.items()})
        commit_all(root, "course: start of stage 1")
        git(root, "checkout", "-q", "-b", "authoring")
        patches = {}
        for number in sorted(SOLUTIONS):
            write_files(root, SOLUTIONS[number])
            git(root, "add", "-A")
            patches[number] = git(root, "diff", "--cached", "--binary").stdout
            git(root, "commit", "-q", "-m", f"solution {number}")
        git(root, "checkout", "-q", "main")
        git(root, "branch", "-q", "-D", "authoring")
        for slug in EXERCISES:
            write_files(root, {f"exercises/{slug}/README.md": (f"# {slug}\n".encode(), False)})
        for number, patch in patches.items():
            (root / "solutions").mkdir(exist_ok=True)
            (root / "solutions" / f"{EXERCISES[number - 1]}.patch").write_text(patch)
        commit_all(root, "course: exercises and solutions")
        return root
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def course(upstream: Path, tmp_path: Path) -> Course:
    """An attendee's clone of the course, with ignored files present."""
    root = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(upstream), str(root))
    write_files(root, {path: (b"SECRET=generated\n", False) for path in IGNORED})
    return Course(root)
