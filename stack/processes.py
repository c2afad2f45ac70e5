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


def pid_of(pidfile: Path, marker: str) -> int | None:
    """The live pid recorded in `pidfile` whose command line contains `marker`."""
    try:
        pid = int(pidfile.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if marker in cmdline else None


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
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if os.getpgid(pid) == pgid and marker in cmdline and _alive(pid):
                members.append(pid)
        except (OSError, ProcessLookupError):
            continue
    return members


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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
