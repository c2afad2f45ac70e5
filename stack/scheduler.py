"""Run the reconciler every N seconds, like the Kubernetes CronJob (`make up` starts it).

Each run's output goes to the log with a timestamped header, and the outcome is
written to <state>/run/reconciler-last.json for `make status` and the grader.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RUN_TIMEOUT = 50


@dataclass
class Run:
    """One reconciler run (attribute names as in subprocess.CompletedProcess)."""

    started: datetime
    finished: datetime
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).strip()


def run_reconciler(env: dict[str, str], cwd: Path | None = None,
                   timeout: float = RUN_TIMEOUT) -> Run:
    started = datetime.now(UTC)
    try:
        result = subprocess.run([sys.executable, "-m", "reconciler"], env=env, cwd=cwd,
                                capture_output=True, text=True, timeout=timeout)
        code, out, err = result.returncode, result.stdout, result.stderr
    except subprocess.TimeoutExpired:
        code, out, err = 124, "", f"reconciler: FAILED: no result within {timeout:.0f}s\n"
    return Run(started, datetime.now(UTC), code, out, err)


def log_entry(run: Run, trigger: str) -> str:
    """The run as it appears in the reconciler log."""
    return (f"--- {run.started.isoformat(timespec='seconds')} reconciler run ({trigger})\n"
            f"{run.output or '(no output)'}\n--- exit {run.returncode}\n")


def write_record(run: Run, record: Path) -> None:
    """The outcome `make status` and the grader read (written atomically)."""
    summary = {
        "started": run.started.isoformat(timespec="seconds"),
        "finished": run.finished.isoformat(timespec="seconds"),
        "exit_code": run.returncode,
        "output": run.output.splitlines()[-20:],
    }
    tmp = record.with_suffix(".tmp")
    tmp.write_text(json.dumps(summary, indent=2) + "\n")
    tmp.replace(record)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--record", type=Path, required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    env = dict(os.environ)  # the stack passes APP_API_URL and PYTHONPATH
    while True:
        began = time.monotonic()
        run = run_reconciler(env)
        print(log_entry(run, "scheduled"), end="", flush=True)
        write_record(run, args.record)
        time.sleep(max(1.0, args.interval - (time.monotonic() - began)))


if __name__ == "__main__":
    sys.exit(main())
