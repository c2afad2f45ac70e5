"""Stage machinery of the workshop: reset to, solve, restore and identify a stage.

Run it as `python -m stages COMMAND` from the repository root (the Make targets
`reset-a01`, `solve-a01`, `restore` and `stage` do).
"""

from __future__ import annotations

import os
from pathlib import Path

# What reset/solve/restore may change in the working copy; everything else
# (exercises/, solutions/, checks/, stack/, tests/, …) is never touched.
MANAGED: tuple[str, ...] = ("src", "kubernetes", "pyproject.toml", "build-deploy", "mk")


class StageError(Exception):
    """An error for the attendee: one clear line, and the exit code to use."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def is_managed(path: str) -> bool:
    """True if the repo-relative `path` lies under one of the MANAGED paths."""
    return any(path == top or path.startswith(top + "/") for top in MANAGED)


def default_root() -> Path:
    """$WORKSHOP_ROOT, else the repository this package lives in."""
    env = os.environ.get("WORKSHOP_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent
