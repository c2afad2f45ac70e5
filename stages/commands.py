"""The commands behind `python -m stages`: each prints short lines and returns an exit code
(0 done, 1 error, 2 nothing to do); errors are raised as StageError."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from stages import StageError, backup, base, catalog, live, trees, workcopy
from stages.catalog import Stage
from stages.gitutil import check_repo, git


def _context(root: Path) -> tuple[list[Stage], base.Base]:
    check_repo(root)
    return catalog.discover(root), base.resolve(root)


def _announce_base(root: Path, course: base.Base) -> None:
    print(f"Course files from {course.describe()}.")
    note = base.warning(root, course)
    if note:
        print(note)


def _backed_up(root: Path, saved: Path) -> None:
    where = backup.shown(root, saved)
    print(f"Your previous files are saved in {where}/ (changes.patch lists your edits).")
    print(f"  Get them back: make restore   (or: make restore BACKUP={where})")


def _finish(root: Path, changes: workcopy.Changes, refresh: bool) -> int:
    if not refresh or not changes.paths:
        return 0
    return 0 if live.refresh_stack(root, changes.paths) else 1


def stage_start(root: Path, stages: list[Stage], course: base.Base, stage: Stage,
                ) -> trees.Files:
    """The files of the start of `stage`; StageError(exit 2) if a solution before it is missing."""
    built = trees.snapshots(root, course, stages, upto=stage.number - 1)
    if len(built) < stage.number:
        missing = [s for s in stages[:stage.number - 1] if not s.has_solution]
        names = ", ".join(f"{s.name} (solutions/{s.solution.name})" for s in missing)
        raise StageError(f"the start of {stage.name} needs the solution of {names}, which "
                         f"{'does' if len(missing) == 1 else 'do'} not exist yet", 2)
    return built[stage.number - 1]


def reset(root: Path, name: str, refresh: bool = True) -> int:
    """Back up the managed files, then make them exactly the start of stage `name`."""
    stages, course = _context(root)
    stage = catalog.find(stages, name)
    target = stage_start(root, stages, course, stage)
    _announce_base(root, course)
    current = workcopy.read(root)
    if not trees.differences(current, target):
        print(f"Your files are already the start of {stage.name}: nothing changed, "
              "no backup needed.")
        return 0
    workcopy.ensure_writable(root, target, current)  # before the backup: fail cleanly
    saved = backup.create(root, current, f"reset-{stage.id}")
    changes = workcopy.write(root, target, current)
    print(f"Reset to the start of {stage.name} ({stage.title}): {changes.summary()}.")
    _backed_up(root, saved)
    print(f"The exercise: {stage.directory.relative_to(root).as_posix()}/")
    return _finish(root, changes, refresh)


CONFLICT = re.compile(r"^error: (?:patch failed: )?(?P<path>.+?)(?::\d+)?(?:: .*)?$")


def conflicting_files(stderr: str, patch_files: list[str]) -> list[str]:
    """The files git apply complained about (only names the patch touches)."""
    found: list[str] = []
    for line in stderr.splitlines():
        match = CONFLICT.match(line.strip())
        if match and match["path"] in patch_files and match["path"] not in found:
            found.append(match["path"])
    return found


def solve(root: Path, name: str, refresh: bool = True) -> int:
    """Apply the solution of stage `name` to the working copy, if it applies cleanly."""
    stages, _ = _context(root)
    stage = catalog.find(stages, name)
    if not stage.has_solution:
        raise StageError(f"there is no solution for {stage.name} yet "
                         f"(solutions/{stage.solution.name})", 2)
    paths = trees.check_patch_scope(root, stage)
    patch = str(stage.solution.resolve())
    check = git(root, "apply", "--check", "--whitespace=nowarn", patch, check=False)
    if check.returncode != 0:
        if git(root, "apply", "--check", "--reverse", patch, check=False).returncode == 0:
            print(f"The solution of {stage.name} is already in your working copy: "
                  "nothing to do.")
            return 0
        stderr = check.stderr.decode(errors="replace")
        conflicts = conflicting_files(stderr, paths)
        rel = stage.solution.relative_to(root).as_posix()
        print(f"The solution of {stage.name} does not fit your working copy; nothing was "
              "changed.")
        if conflicts:
            print("Your edits conflict with it in: " + ", ".join(conflicts))
        else:
            print("git says: " + (stderr.strip().splitlines() or ["(nothing)"])[0])
        print(f"  To take the solution: make reset-{stage.id} (backs up your work first), "
              f"then make solve-{stage.id}")
        print(f"  To read it:           less {rel}")
        print(f"  To merge it by hand:  git apply --reject {rel}  (applies what fits, "
              "leaves the rest in *.rej files)")
        return 1
    current = workcopy.read(root)
    saved = backup.create(root, current, f"solve-{stage.id}")
    git(root, "apply", "--whitespace=nowarn", patch)
    changes = workcopy.Changes(written=[p for p in paths if (root / p).exists()],
                               removed=[p for p in paths if not (root / p).exists()])
    print(f"Applied the solution of {stage.name} ({stage.title}): {len(paths)} file(s) "
          "changed.")
    _backed_up(root, saved)
    with contextlib.suppress(StageError):  # e.g. an earlier solution is missing
        print(f"Your working copy now: {describe_position(root)}.")
    return _finish(root, changes, refresh)


def restore(root: Path, which: str | None = None, refresh: bool = True) -> int:
    """Put the managed files back as they were in a backup (the latest by default)."""
    check_repo(root)
    chosen = backup.find(root, which) if which else backup.latest(root)
    target = backup.load(chosen)
    current = workcopy.read(root)
    workcopy.ensure_writable(root, target, current)  # before the backup: fail cleanly
    saved = backup.create(root, current, "restore")
    changes = workcopy.write(root, target, current)
    print(f"Restored {backup.shown(root, chosen)}/: {changes.summary()}.")
    print(f"What you had before this restore is saved in {backup.shown(root, saved)}/ "
          f"(undo: make restore BACKUP={backup.shown(root, saved)})")
    return _finish(root, changes, refresh)


def _label(stages: list[Stage], index: int, short: bool = False) -> str:
    if index == len(stages):
        return f"{stages[-1].name} solved"
    label = f"the start of {stages[index].name}"
    return label + (f" (= {stages[index - 1].name} solved)" if index and not short else "")


def describe_position(root: Path) -> str:
    """Which stage the managed files match exactly, else the nearest one and how they differ."""
    stages, course = _context(root)
    built = trees.snapshots(root, course, stages)
    current = workcopy.read(root)
    distances = [trees.differences(current, snapshot) for snapshot in built]
    exact = [i for i, diff in enumerate(distances) if not diff]
    if exact:
        return _label(stages, exact[-1])
    nearest = min(range(len(built)), key=lambda i: (len(distances[i]), -i))
    diff = distances[nearest]
    names = [p + ("" if kind == "changed" else f" ({kind})") for p, kind in diff.items()]
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return (f"modified from {_label(stages, nearest, short=True)} "
            f"({len(diff)} file(s) changed: {shown})")


def which(root: Path) -> int:
    """Print which stage the working copy is at."""
    stages, course = _context(root)
    _announce_base(root, course)
    print(f"Your working copy: {describe_position(root)}.")
    return 0


def list_stages(root: Path) -> int:
    """Print the stages, their folders and whether a solution exists."""
    stages, course = _context(root)
    _announce_base(root, course)
    for stage in stages:
        if stage.has_solution:
            files = len(trees.patch_paths(root, stage.solution))
            solution = f"solutions/{stage.solution.name} ({files} file(s))"
        else:
            solution = "no solution yet"
        print(f"  {stage.name}  {stage.directory.relative_to(root).as_posix():<48} {solution}")
    return 0
