"""Start, find and stop the stack's own background processes through pid files.

A pid file is trusted only if the process it names is alive and its command
line carries our marker, so `make down` never signals anything it did not start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

PROC = Path("/proc")  # Linux; elsewhere (macOS) the process table comes from `ps`


class Process(NamedTuple):
    pid: int
    pgid: int
    zombie: bool
    command: str


def process_table() -> dict[int, Process]:
    """Every process: from /proc on Linux, from `ps` elsewhere."""
    if PROC.is_dir():
        return _from_proc()
    listing = subprocess.run(["ps", "-axo", "pid=,pgid=,stat=,command="], capture_output=True,
                             text=True, check=True).stdout
    table = {}
    for line in listing.splitlines():
        fields = line.split(None, 3)
        if len(fields) >= 3 and fields[0].isdigit():
            pid, pgid, state = int(fields[0]), int(fields[1]), fields[2]
            table[pid] = Process(pid, pgid, state.startswith("Z"), "".join(fields[3:]))
    return table


def _from_proc() -> dict[int, Process]:
    table = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError):
            continue
        table[int(entry.name)] = Process(int(entry.name), int(stat[2]), stat[0] == "Z", command)
    return table


def pid_of(pidfile: Path, marker: str) -> int | None:
    """The live pid recorded in `pidfile` whose command line contains `marker`."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    process = process_table().get(pid)
    return pid if process and not process.zombie and marker in process.command else None


def spawn(command: list[str], env: dict[str, str], log: Path, pidfile: Path, cwd: Path) -> int:
    """Run `command` detached from the terminal, output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
    pidfile.write_text(f"{process.pid}\n")
    return process.pid


def group_members(pgid: int, marker: str) -> list[int]:
    """Live processes of process group `pgid` whose command line contains `marker`."""
    return [p.pid for p in process_table().values()
            if p.pgid == pgid and not p.zombie and marker in p.command]


def stop(pidfile: Path, marker: str, timeout: float = 15) -> bool:
    """SIGTERM what we started (the process and its group: gunicorn's workers too,
    even if the master crashed), SIGKILL after `timeout`; True if anything ran."""
    try:
        pgid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    members = group_members(pgid, marker)
    for pid in members:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(pid) for pid in members):
        time.sleep(0.1)
    for pid in members:
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    pidfile.unlink(missing_ok=True)
    return bool(members)


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
    process = process_table().get(pid)
    return process is not None and not process.zombie
