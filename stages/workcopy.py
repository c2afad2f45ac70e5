"""The attendee's working copy: read its managed files, write a stage tree into it.

Only files git tracks or untracked files that are not ignored count; ignored
files (generated secrets, __pycache__, …) are never deleted or overwritten.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from stages import MANAGED, StageError
from stages.gitutil import git
from stages.trees import Files, read_entry, write_entry


def listed(root: Path, untracked_only: bool = False) -> list[str]:
    """Managed paths git tracks plus untracked, not ignored ones (or only the latter)."""
    which = ["-o"] if untracked_only else ["-c", "-o"]
    out = git(root, "ls-files", "-z", *which, "--exclude-standard", "--", *MANAGED).stdout
    return sorted({path.decode() for path in out.split(b"\0") if path})


def read(root: Path) -> Files:
    """The managed files as they are on disk now."""
    files: Files = {}
    for path in listed(root):
        entry = read_entry(root / path)
        if entry is not None:
            files[path] = entry
    return files


@dataclass
class Changes:
    written: list[str] = field(default_factory=list)  # new or different files
    removed: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return sorted(self.written + self.removed)

    def summary(self) -> str:
        if not self.paths:
            return "no file needed to change"
        return f"{len(self.written)} file(s) written, {len(self.removed)} removed"


def blocked_paths(root: Path, target: Files, current: Files) -> list[str]:
    """Paths `target` needs that are taken by something we may not replace (an ignored
    file, or a folder or file in the way)."""
    blocked = []
    for path in target:
        if path in current:
            continue
        full = root / path
        if full.is_dir() and not full.is_symlink():
            inside = [p.relative_to(root).as_posix() for p in full.rglob("*") if not p.is_dir()]
            if any(name not in current or name in target for name in inside):
                blocked.append(path)  # a folder we would not empty
            continue
        if full.exists() or full.is_symlink():
            blocked.append(path)  # an ignored file
            continue
        for parent in list(Path(path).parents)[:-1]:
            spot = root / parent
            if (spot.is_file() or spot.is_symlink()) and parent.as_posix() not in current:
                blocked.append(path)
                break
    return blocked


def ensure_writable(root: Path, target: Files, current: Files) -> None:
    """StageError (before any change) if `target` cannot be written over `current`."""
    blocked = blocked_paths(root, target, current)
    if blocked:
        raise StageError(f"cannot write {blocked[0]}: an ignored file or a folder is in the "
                         "way (move it elsewhere and try again); nothing was changed")


def write(root: Path, target: Files, current: Files) -> Changes:
    """Make the managed files exactly `target`: remove what it lacks, write what differs."""
    ensure_writable(root, target, current)
    changes = Changes()
    for path in sorted(current.keys() - target.keys()):
        (root / path).unlink()
        changes.removed.append(path)
        _prune_empty_parents(root, path)
    for path in sorted(target):
        if current.get(path) != target[path]:
            full = root / path
            if full.is_dir() and not full.is_symlink():  # left empty by the removals above
                full.rmdir()
            write_entry(full, target[path])
            changes.written.append(path)
    return changes


def _prune_empty_parents(root: Path, path: str) -> None:
    for parent in list(Path(path).parents)[:-1]:
        with contextlib.suppress(OSError):  # not empty (e.g. holds ignored files)
            (root / parent).rmdir()
