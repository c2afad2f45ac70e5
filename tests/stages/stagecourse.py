"""A small synthetic course repository to run the stage machinery against (helpers).

The course ("upstream") is built once per session from STAGES below: the files
of the start of each stage, written as Python data, so the tests compare the
stage code's output against an oracle that does not use it. Each test works on
its own `git clone` of the course (so origin/main exists, as for an attendee).
"""

from __future__ import annotations

import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

EXERCISES = [
    "01-a01-broken-access-control",
    "02-a02-cryptographic-failures",
    "03-a04-insecure-design",
    "04-a05-security-misconfiguration",
    "05-a09-security-logging-monitoring",
]
PNG = bytes(range(256)) + b"\x89PNG\r\n\x1a\n\x00\x00"

# path -> (content, executable); the start of stage 1, then what each solution changes
START_1: dict[str, tuple[bytes, bool]] = {
    "src/app.py": (b"def balance(user, account):\n    return account.balance\n", False),
    "src/util.py": (b"def helper():\n    return 1\n", False),
    "src/pkg/__init__.py": (b"", False),
    "src/static/logo.png": (PNG, False),
    "kubernetes/x.yaml": (b"kind: Deployment\nreplicas: 1\n", False),
    "kubernetes/secrets/.gitignore": (b"*\n!.gitignore\n", False),
    "pyproject.toml": (b'[project]\nname = "bank"\ndependencies = []\n', False),
    "build-deploy": (b"#!/bin/sh\necho deploy\n", True),
    "mk/extra.mk": (b"extra:\n\t@echo extra\n", False),
}
# stage number -> {path: (content, executable) or None (deleted)}; stages 4 and 5 have none
SOLUTIONS: dict[int, dict[str, tuple[bytes, bool] | None]] = {
    1: {
        "src/app.py": (b"from auth import owner_only\n\n\n@owner_only\n"
                       b"def balance(user, account):\n    return account.balance\n", False),
        "src/auth.py": (b"def owner_only(view):\n    return view\n", False),
    },
    2: {
        "pyproject.toml": (b'[project]\nname = "bank"\ndependencies = ["bcrypt"]\n', False),
        "src/util.py": None,
        "kubernetes/x.yaml": (b"kind: Deployment\nreplicas: 2\n", False),
        "src/static/logo.png": (PNG[::-1], False),
    },
    3: {
        "build-deploy": (b"#!/bin/sh\nset -eu\necho deploy\n", True),
        "src/pkg/log.py": (b"LOG = []\n", False),
        "src/app.py": (b"from auth import owner_only\n\n\n@owner_only\n"
                       b"def balance(user, account):\n    return round(account.balance, 2)\n",
                       False),
    },
}
UNMANAGED = {
    ".gitignore": b"/.workshop/\n__pycache__/\n",
    "README.md": b"# the course\n",
    "Makefile": b"all:\n",
    "checks/check.py": b"print('ok')\n",
}
IGNORED = ("kubernetes/secrets/app.env", "src/__pycache__/app.cpython-311.pyc")


def starts() -> list[dict[str, tuple[bytes, bool]]]:
    """The oracle: the files of the start of stage 1, 2, … (and the last one solved)."""
    trees = [dict(START_1)]
    for number in sorted(SOLUTIONS):
        tree = dict(trees[-1])
        for path, value in SOLUTIONS[number].items():
            if value is None:
                tree.pop(path)
            else:
                tree[path] = value
        trees.append(tree)
    return trees


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)


def write_files(root: Path, files: dict[str, tuple[bytes, bool] | None]) -> None:
    for path, value in files.items():
        full = root / path
        if value is None:
            full.unlink()
            continue
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_bytes(value[0])
        full.chmod(0o755 if value[1] else 0o644)


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def disk_tree(root: Path) -> dict[str, tuple[bytes, bool]]:
    """The managed files on disk (not via the stage code), minus the IGNORED ones."""
    tree = {}
    for top in ("src", "kubernetes", "pyproject.toml", "build-deploy", "mk"):
        start = root / top
        paths = [start] if start.is_file() else sorted(start.rglob("*")) if start.is_dir() else []
        for full in paths:
            rel = full.relative_to(root).as_posix()
            if full.is_file() and rel not in IGNORED:
                tree[rel] = (full.read_bytes(), bool(full.stat().st_mode & stat.S_IXUSR))
    return tree


@dataclass
class Course:
    root: Path  # the attendee's clone

    def tree(self) -> dict[str, tuple[bytes, bool]]:
        return disk_tree(self.root)

    def backups(self) -> list[Path]:
        folder = self.root / ".workshop" / "backups"
        return sorted(folder.iterdir()) if folder.is_dir() else []
