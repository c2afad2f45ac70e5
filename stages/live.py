"""Make a running local stack pick up changed files (after reset, solve, restore)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path


def refresh_stack(root: Path, changed: Iterable[str]) -> bool:
    """Reinstall if pyproject.toml changed and restart the API and the reconciler, if
    the stack of `root` (state in root/.workshop) is running; False if that failed."""
    changed = list(changed)
    code_changed = [p for p in changed if p == "pyproject.toml" or p.startswith("src/")]
    try:  # imported late: the other commands need none of the stack's dependencies
        from stack import local
        from stack.config import load
        from stack.postgres import StackError
    except ImportError:  # no project venv (make runs us with python3): no stack either
        print("The local stack is not running: start it with: make up")
        return True
    config = load(root / ".workshop")
    config.root = root
    if not (config.state_dir / "stack.json").exists() or not local.status(config)["api"][0]:
        print("The local stack is not running: start it with: make up")
        return True
    if not code_changed:
        print("The running stack needs no restart (no change under src/ or pyproject.toml).")
        return True
    try:
        if "pyproject.toml" in changed:
            venv = root / ".venv"
            python = venv / "bin" / "python"
            print("pyproject.toml changed: reinstalling the project …")
            subprocess.run([str(python if python.exists() else Path(sys.executable)), "-m",
                            "pip", "install", "-q", "-e", ".[dev]"], cwd=root, check=True)
            if venv.is_dir():
                (venv / ".installed").touch()  # the Makefile's stamp: up to date again
        local.restart_app(config, say=lambda _: None)  # stops and starts API + reconciler
    except (StackError, subprocess.CalledProcessError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        print(f"error: restarting the stack failed: {first} (see make logs; then make up)",
              file=sys.stderr)
        return False
    print(f"Restarted the API ({config.api_url}) and the reconciler with the new code.")
    return True
