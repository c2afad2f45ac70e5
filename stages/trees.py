"""Stage trees: the managed files of a stage, as {path: Entry}, built from git.

The start of stage 1 is the managed files of the base commit; the start of
stage N is that plus solutions 1..N-1 applied in order (in a temporary folder).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

from stages import MANAGED, StageError, is_managed
from stages.base import Base
from stages.catalog import Stage
from stages.gitutil import git


class Entry(NamedTuple):
    kind: str  # "file", "exec" (executable file) or "link" (symlink; data = target)
    data: bytes


Files = dict[str, Entry]
GIT_KINDS = {"100644": "file", "100755": "exec", "120000": "link"}


def pristine(root: Path, base: Base) -> Files:
    """The managed files of the base commit, byte for byte, with their git modes."""
    listing = git(root, "ls-tree", "-r", "-z", "--full-tree", base.commit, "--", *MANAGED).stdout
    wanted: list[tuple[str, str, str]] = []  # (path, kind, sha)
    for record in filter(None, listing.split(b"\0")):
        meta, path = record.split(b"\t", 1)
        mode, kind, sha = meta.decode().split()
        if kind == "blob" and mode in GIT_KINDS:
            wanted.append((path.decode(), GIT_KINDS[mode], sha))
    out = git(root, "cat-file", "--batch",
              input="".join(f"{sha}\n" for _, _, sha in wanted).encode()).stdout
    files: Files = {}
    offset = 0
    for path, kind, _ in wanted:
        header_end = out.index(b"\n", offset)
        size = int(out[offset:header_end].split()[2])
        files[path] = Entry(kind, out[header_end + 1:header_end + 1 + size])
        offset = header_end + 1 + size + 1
    return files


def read_entry(path: Path) -> Entry | None:
    """The Entry of a file or symlink on disk (None if absent or not a file)."""
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISLNK(info.st_mode):
        return Entry("link", os.fsencode(os.readlink(path)))
    if not stat.S_ISREG(info.st_mode):
        return None
    return Entry("exec" if info.st_mode & stat.S_IXUSR else "file", path.read_bytes())


def write_entry(path: Path, entry: Entry) -> None:
    """Write `entry` at `path` (replacing what is there), executable bit included."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or (path.exists() and entry.kind == "link"):
        path.unlink()
    if entry.kind == "link":
        os.symlink(os.fsdecode(entry.data), path)
        return
    path.write_bytes(entry.data)
    mode = stat.S_IMODE(path.stat().st_mode)
    if entry.kind == "exec":
        mode |= (mode & 0o444) >> 2  # x wherever r, as git does
    else:
        mode &= ~0o111
    path.chmod(mode)


def read_dir(folder: Path) -> Files:
    """Every file under `folder` (a temporary stage tree), keyed by relative path."""
    files: Files = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in filenames + [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            full = Path(dirpath) / name
            entry = read_entry(full)
            if entry is not None:
                files[full.relative_to(folder).as_posix()] = entry
    return files


def patch_paths(root: Path, patch: Path) -> list[str]:
    """The paths a patch touches, in order (renames and copies: both names)."""
    out = git(root, "apply", "--numstat", "-z", str(patch.resolve())).stdout.decode()
    paths = [record.split("\t", 2)[2] for record in out.split("\0") if record.count("\t") >= 2]
    for line in patch.read_bytes().splitlines():  # numstat names only the new path
        for prefix in (b"rename from ", b"copy from "):
            if line.startswith(prefix):
                paths.append(line[len(prefix):].decode(errors="replace").strip('"'))
    return list(dict.fromkeys(paths))


def check_patch_scope(root: Path, stage: Stage) -> list[str]:
    """The paths of a stage's solution; StageError if it touches an unmanaged path."""
    paths = patch_paths(root, stage.solution)
    outside = [path for path in paths if not is_managed(path)]
    if outside:
        raise StageError(f"solutions/{stage.solution.name} changes {', '.join(outside)}: a "
                         f"solution may only change {', '.join(MANAGED)}")
    return paths


def isolated_env(folder: Path) -> dict[str, str]:
    """Environment for git apply in `folder`: never use a repository around it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_CEILING_DIRECTORIES"] = str(folder.resolve().parent)
    return env


def snapshots(root: Path, base: Base, stages: list[Stage], upto: int | None = None,
              ) -> list[Files]:
    """[start of stage 1, start of stage 2, …, last stage solved] as far as solutions exist.

    snapshots[k] = pristine + solutions of stages[0..k-1]; stops at the first missing
    solution, or once `upto` + 1 snapshots are built.
    """
    result = [pristine(root, base)]
    limit = len(stages) if upto is None else min(upto, len(stages))
    pending = stages[:limit]
    if not pending or not pending[0].has_solution:
        return result
    with tempfile.TemporaryDirectory(prefix="workshop-stage-") as tmp:
        folder = Path(tmp) / "tree"
        folder.mkdir()
        for path, entry in result[0].items():
            write_entry(folder / path, entry)
        for stage in pending:
            if not stage.has_solution:
                break
            check_patch_scope(root, stage)
            applied = git(folder, "apply", "--whitespace=nowarn", str(stage.solution.resolve()),
                          check=False, env=isolated_env(folder))
            if applied.returncode != 0:
                lines = applied.stderr.decode(errors="replace").strip().splitlines()
                raise StageError(f"solutions/{stage.solution.name} does not apply to the start "
                                 f"of {stage.name} (a course bug): "
                                 f"{lines[0] if lines else 'git apply failed'}")
            result.append(read_dir(folder))
    return result


def differences(have: Files, want: Files) -> dict[str, str]:
    """{path: "changed" | "new" | "deleted"} between two trees (`have` relative to `want`)."""
    diff: dict[str, str] = {}
    for path in sorted(have.keys() | want.keys()):
        if path not in want:
            diff[path] = "new"
        elif path not in have:
            diff[path] = "deleted"
        elif have[path] != want[path]:
            diff[path] = "changed"
    return diff
