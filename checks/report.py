"""Results as a rich table or JSON, the summary line, exit codes, and the progress file."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checks.registry import STAGES, Result, Status

STYLE = {Status.PASS: "bold green", Status.FAIL: "bold red", Status.SKIPPED: "yellow"}
PROGRESS_FILE = "progress.json"


@dataclass(frozen=True)
class Summary:
    stage: str
    target: str
    passed: int
    failed: int
    skipped: int

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    @property
    def ok(self) -> bool:
        """All passed; skipped checks are allowed only on k3d (they cannot run there)."""
        return self.failed == 0 and (self.skipped == 0 or self.target == "k3d")

    @property
    def state(self) -> str:
        if not self.ok:
            return "not yet"
        return f"passed with {self.skipped} skipped" if self.skipped else "passed"

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def line(self) -> str:
        text = f"{self.stage.upper()}: {self.passed}/{self.total} checks passed"
        if self.skipped:
            text += f", {self.skipped} skipped"
            if self.failed == 0:
                text += (f" — passed with {self.skipped} skipped (they cannot run on k3d)"
                         if self.ok else f" — skipped checks do not count on {self.target}")
        return text

    def as_dict(self) -> dict[str, object]:
        return {"stage": self.stage, "target": self.target, "passed": self.passed,
                "failed": self.failed, "skipped": self.skipped, "total": self.total,
                "state": self.state, "ok": self.ok, "line": self.line}


def summarize(stage: str, target: str, results: list[Result]) -> Summary:
    count = {status: sum(r.status is status for r in results) for status in Status}
    return Summary(stage, target, count[Status.PASS], count[Status.FAIL], count[Status.SKIPPED])


def console(**kwargs: object) -> Console:
    """Rich's console; 120 columns when the output is not a terminal (make, CI, a pipe)."""
    kwargs.setdefault("width", None if sys.stdout.isatty() else 120)
    return Console(highlight=False, **kwargs)


def print_results(results: list[Result], summary: Summary, out: Console | None = None) -> None:
    """The table, then the hint of every FAIL, then the summary line."""
    out = out or console()
    table = Table(title=f"{summary.stage.upper()} checks ({summary.target})", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("check", ratio=2)
    table.add_column("result", no_wrap=True)
    table.add_column("detail", ratio=3)
    for r in results:
        table.add_row(r.id, escape(r.description),
                      f"[{STYLE[r.status]}]{r.status}[/]", escape(r.detail))
    out.print(table)
    failures = [r for r in results if r.status is Status.FAIL]
    for r in failures:
        out.print(f"[bold]{r.id} hint:[/] {escape(r.hint)}")
    style = "bold green" if summary.ok else "bold red"
    out.print(f"[{style}]{escape(summary.line)}[/]")


def as_json(results: list[Result], summary: Summary) -> str:
    return json.dumps({"results": [r.as_dict() for r in results], "summary": summary.as_dict()},
                      indent=2, ensure_ascii=False)


def first_failure(results: list[Result]) -> Result | None:
    return next((r for r in results if r.status is Status.FAIL), None)


# --- progress -----------------------------------------------------------------------

def read_progress(state_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads((state_dir / PROGRESS_FILE).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record_progress(state_dir: Path, summary: Summary) -> None:
    """Remember the last result of `summary.stage` in <state>/progress.json."""
    progress = read_progress(state_dir)
    progress[summary.stage] = {
        **summary.as_dict(), "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    state_dir.mkdir(parents=True, exist_ok=True)
    tmp = state_dir / (PROGRESS_FILE + ".tmp")
    tmp.write_text(json.dumps(progress, indent=2) + "\n")
    tmp.replace(state_dir / PROGRESS_FILE)


def print_progress(state_dir: Path, out: Console | None = None) -> None:
    """One row per workshop stage: passed / not yet / not started."""
    out = out or console()
    progress = read_progress(state_dir)
    table = Table(title="Workshop progress")
    for column in ("stage", "topic", "state", "last run"):
        table.add_column(column)
    for stage, title in STAGES.items():
        entry = progress.get(stage)
        if not isinstance(entry, dict):
            state, when = "[dim]not started[/]", ""
        else:
            ok = entry.get("ok") is True
            counts = f"{entry.get('passed', '?')}/{entry.get('total', '?')}"
            state = (f"[bold green]{escape(str(entry.get('state', 'passed')))}[/]" if ok
                     else f"[red]not yet[/] ({counts} checks)")
            when = f"{str(entry.get('when', ''))[:16].replace('T', ' ')} UTC, " \
                   f"{entry.get('target', '?')}"
        table.add_row(stage.upper(), title, state, escape(when))
    out.print(table)
    done = sum(isinstance(progress.get(s), dict) and progress[s].get("ok") is True
               for s in STAGES)
    out.print(f"{done}/{len(STAGES)} stages passed")
