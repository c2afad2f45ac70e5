"""Backups of the managed files, taken before every reset, solve and restore.

Each backup is a folder .workshop/backups/<UTC time>-before-<action>/ holding
  files.tar      every managed file as it was (tracked and untracked, not ignored)
  changes.patch  `git diff HEAD` of those paths, new files included (to read)
  backup.json    when, why, HEAD, the file list
A backup is never overwritten: a second one in the same second gets a suffix.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import time
from pathlib import Path

from stages import MANAGED, StageError, is_managed
from stages.gitutil import git
from stages.trees import Entry, Files
from stages.workcopy import listed

ARCHIVE = "files.tar"
PATCH = "changes.patch"
INFO = "backup.json"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def folder(root: Path) -> Path:
    return root / ".workshop" / "backups"


def create(root: Path, files: Files, action: str) -> Path:
    """Save `files` (the current managed files) and their diff; return the new folder."""
    now = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now // 10**9))
    target = folder(root) / f"{stamp}-before-{action}"
    counter = 1
    while True:
        try:
            target.mkdir(parents=True)
            break
        except FileExistsError:
            counter += 1
            target = folder(root) / f"{stamp}-before-{action}-{counter}"
    _write_tar(target / ARCHIVE, files)
    (target / PATCH).write_bytes(changes_patch(root))
    head = git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False)
    (target / INFO).write_text(json.dumps({
        "created_ns": now, "action": action, "root": str(root),
        "head": head.stdout.decode().strip() or None, "files": sorted(files),
    }, indent=2) + "\n")
    return target


def _write_tar(path: Path, files: Files) -> None:
    with tarfile.open(path, "w") as tar:
        for name in sorted(files):
            entry = files[name]
            info = tarfile.TarInfo(name)
            info.mtime = int(time.time())
            if entry.kind == "link":
                info.type, info.mode = tarfile.SYMTYPE, 0o777
                info.linkname = os.fsdecode(entry.data)
                tar.addfile(info)
            else:
                info.size, info.mode = len(entry.data), 0o755 if entry.kind == "exec" else 0o644
                tar.addfile(info, io.BytesIO(entry.data))


def changes_patch(root: Path) -> bytes:
    """`git diff HEAD` of the managed paths, plus every untracked file as an addition."""
    has_head = git(root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0
    against = "HEAD" if has_head else EMPTY_TREE
    parts = [git(root, "diff", "--binary", "--no-color", "--no-ext-diff", against, "--",
                 *MANAGED).stdout]
    for path in listed(root, untracked_only=True):
        if (root / path).exists() or (root / path).is_symlink():
            diff = git(root, "diff", "--no-index", "--binary", "--no-color", "--no-ext-diff",
                       "--", "/dev/null", path, check=False)
            parts.append(diff.stdout)
    return b"".join(parts)


def load(backup: Path) -> Files:
    """The managed files saved in a backup folder."""
    archive = backup / ARCHIVE
    if not archive.is_file():
        raise StageError(f"{backup} is not a backup (no {ARCHIVE} in it)")
    files: Files = {}
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name = member.name
            if name.startswith("/") or ".." in Path(name).parts or not is_managed(name):
                raise StageError(f"{archive} holds an unexpected path: {name}")
            if member.issym():
                files[name] = Entry("link", os.fsencode(member.linkname))
            elif member.isfile():
                data = tar.extractfile(member)
                assert data is not None
                files[name] = Entry("exec" if member.mode & 0o100 else "file", data.read())
    return files


def all_backups(root: Path) -> list[Path]:
    """Every backup folder, oldest first."""
    base = folder(root)
    if not base.is_dir():
        return []
    return sorted((p for p in base.iterdir() if (p / ARCHIVE).is_file()), key=_created)


def _created(backup: Path) -> tuple[int, str]:
    try:
        return int(json.loads((backup / INFO).read_text())["created_ns"]), backup.name
    except (OSError, ValueError, KeyError, TypeError):
        return int((backup / ARCHIVE).stat().st_mtime_ns), backup.name


def latest(root: Path) -> Path:
    backups = all_backups(root)
    if not backups:
        raise StageError("there is no backup yet (reset, solve and restore make one)", 2)
    return backups[-1]


def find(root: Path, name: str) -> Path:
    """A backup given as a path or as a folder name under .workshop/backups."""
    for candidate in (Path(name), root / name, folder(root) / name):
        if (candidate / ARCHIVE).is_file():
            return candidate.resolve()
    raise StageError(f"no backup at {name} (list them: ls {folder(root).relative_to(root)})")


def shown(root: Path, backup: Path) -> str:
    """The backup folder relative to the repository, for messages."""
    try:
        return backup.relative_to(root).as_posix()
    except ValueError:
        return str(backup)
