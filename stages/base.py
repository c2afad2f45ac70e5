"""Which git commit holds the pristine course files (the start of the first stage)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from stages import MANAGED, StageError
from stages.gitutil import git, git_text

CANDIDATES = ("origin/main", "origin/HEAD")


@dataclass(frozen=True)
class Base:
    ref: str  # as given: "origin/main", "HEAD", $WORKSHOP_BASE_REF
    commit: str  # full sha
    why: str  # one phrase for the attendee

    def describe(self) -> str:
        return f"{self.ref} ({self.commit[:7]}, {self.why})"


def _commit_of(root: Path, ref: str) -> str | None:
    result = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return result.stdout.decode().strip() if result.returncode == 0 else None


def resolve(root: Path) -> Base:
    """$WORKSHOP_BASE_REF if set, else origin/main or origin/HEAD if present, else HEAD."""
    wanted = os.environ.get("WORKSHOP_BASE_REF", "").strip()
    if wanted:
        commit = _commit_of(root, wanted)
        if commit is None:
            raise StageError(f"WORKSHOP_BASE_REF={wanted} is not a commit in this repository")
        return Base(wanted, commit, "from WORKSHOP_BASE_REF")
    for ref in CANDIDATES:
        commit = _commit_of(root, f"refs/remotes/{ref}")
        if commit is not None:
            return Base(ref, commit, "the course as cloned")
    commit = _commit_of(root, "HEAD")
    if commit is None:
        raise StageError("this repository has no commit yet: the course files come from git")
    return Base("HEAD", commit, "no origin/main: your last commit counts as the course")


def extra_commits(root: Path, base: Base) -> list[str]:
    """One line per commit in HEAD but not in the base that touches a managed path."""
    if _commit_of(root, "HEAD") in (None, base.commit):
        return []
    log = git_text(root, "log", "--format=%h %s", f"{base.commit}..HEAD", "--", *MANAGED)
    return log.splitlines()


def warning(root: Path, base: Base) -> str | None:
    """A warning if HEAD has its own commits on the managed paths, else None."""
    commits = extra_commits(root, base)
    if not commits:
        return None
    shown = "; ".join(commits[:3]) + (" …" if len(commits) > 3 else "")
    return (f"note: HEAD has {len(commits)} commit(s) beyond {base.ref} that change the course "
            f"files ({shown}). The stages use the course version; your commits stay in "
            f"the git history (git log {base.ref}..HEAD).")
