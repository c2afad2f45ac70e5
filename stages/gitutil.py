"""Running git: bytes in, bytes out, one clear error line when it fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

from stages import StageError


def git(root: Path, *args: str, input: bytes | None = None, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`git -C root ARGS`; raise StageError with git's message if `check` and it fails."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=input,
                                capture_output=True, env=env, check=False)
    except FileNotFoundError as error:
        raise StageError("git is not installed (it is needed for the stages)") from error
    if check and result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise StageError(f"git {args[0]} failed: {message[-1] if message else 'no output'}")
    return result


def git_text(root: Path, *args: str) -> str:
    """The stripped stdout of a git command that must succeed."""
    return git(root, *args).stdout.decode(errors="replace").strip()


def check_repo(root: Path) -> None:
    """Fail clearly unless `root` is the top of a git working copy."""
    result = git(root, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise StageError(f"{root} is not a git working copy (set WORKSHOP_ROOT to the "
                         "repository's folder)")
    if Path(result.stdout.decode().strip()).resolve() != root.resolve():
        raise StageError(f"{root} is not the top folder of its git repository")
