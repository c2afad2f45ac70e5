"""The local stack as a whole: up, down, status, reconcile, reset-db.

Every function takes a StackConfig, so `make up` and the test session run the
same code against different state folders and ports.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from stack import processes, scheduler
from stack.config import HOST, StackConfig, port_is_free, save
from stack.postgres import Cluster, StackError, tail


@dataclass(frozen=True)
class Service:
    name: str
    marker: str  # a string in the process's command line (see processes.pid_of)


API = Service("api", "gunicorn")
RECONCILER = Service("reconciler", "stack.scheduler")


def pidfile(config: StackConfig, service: Service) -> Path:
    return config.run / f"{service.name}.pid"


def logfile(config: StackConfig, service: Service) -> Path:
    return config.logs / f"{service.name}.log"


def service_logs(config: StackConfig) -> dict[str, Path]:
    """The log of each service (postgres's through the <state>/postgres link, if any)."""
    return {
        "postgres": config.state_dir / "postgres" / "postgres.log",
        API.name: logfile(config, API),
        RECONCILER.name: logfile(config, RECONCILER),
    }


def last_run_file(config: StackConfig) -> Path:
    return config.run / "reconciler-last.json"


def process_env(config: StackConfig, service: Service) -> dict[str, str]:
    """os.environ plus what `service` may see: the API never gets the reconciler's
    environment and the reconciler never gets the API's secrets."""
    python_path = os.pathsep.join([str(config.root / "src"), str(config.root)])
    own = config.api_env() if service is API else config.reconciler_env()
    inherited = {k: v for k, v in os.environ.items()
                 if k not in config.api_env() and k not in config.reconciler_env()}
    return {**inherited, **own, "PYTHONPATH": python_path}


def bin_path(name: str) -> str:
    """A console script installed beside this interpreter (the project's venv)."""
    return str(Path(sys.executable).parent / name)


# --- database ------------------------------------------------------------------

def database_up(config: StackConfig, say=print) -> Cluster:
    cluster = Cluster(config)
    if not cluster.initialised:
        if not port_is_free(config.pg_port):
            raise StackError(port_in_use("PostgreSQL", config.pg_port, "WORKSHOP_PG_PORT"))
        say(f"initialising a PostgreSQL cluster in {cluster.root} …")
        cluster.init()
    elif not cluster.running() and not port_is_free(config.pg_port):
        raise StackError(port_in_use("PostgreSQL", config.pg_port, "WORKSHOP_PG_PORT"))
    cluster.start()
    cluster.wait_ready()
    if not cluster.bank_exists():
        cluster.create_bank()
        users, transactions = cluster.load_data()
        say(f"loaded the data set: {users} users, {transactions} transactions")
    return cluster


def reset_db(config: StackConfig, say=print) -> None:
    cluster = Cluster(config)
    if not cluster.running():
        raise StackError("PostgreSQL is not running: start the stack with `make up` first")
    cluster.drop_bank()
    cluster.create_bank()
    users, transactions = cluster.load_data()
    say(f"reloaded the data set: {users} users, {transactions} transactions")


# --- api -------------------------------------------------------------------------

def api_healthy(config: StackConfig, timeout: float = 2) -> bool:
    try:
        return requests.get(f"{config.api_url}/healthz", timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def api_up(config: StackConfig, say=print) -> None:
    if processes.pid_of(pidfile(config, API), API.marker):
        return
    if not port_is_free(config.api_port):
        raise StackError(port_in_use("the API", config.api_port, "WORKSHOP_API_PORT"))
    command = [
        bin_path("gunicorn"), "-c", str(config.root / "src/api/gunicorn.conf.py"),
        "--pid", str(pidfile(config, API)), "api.wsgi:app",
    ]
    start = log_size(logfile(config, API))
    processes.spawn(command, process_env(config, API), logfile(config, API), pidfile(config, API),
                    cwd=config.root)
    wait_for(lambda: api_healthy(config), "the API", logfile(config, API),
             alive=lambda: processes.pid_of(pidfile(config, API), API.marker) is not None,
             start=start)


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def wait_for(ready, what: str, log: Path, alive, start: int = 0, timeout: float = 30) -> None:
    """Poll `ready()`; if the process dies or time runs out, raise with what the log
    says since byte `start` (where this start-up's output begins)."""
    deadline = time.monotonic() + timeout
    time.sleep(0.2)
    while not ready():
        if not alive():
            raise StackError(f"{what} exited during start-up{cause(log, start)}.\n"
                             f"--- last lines of {log} ---\n{tail(log)}")
        if time.monotonic() > deadline:
            raise StackError(f"{what} is not ready after {timeout:.0f}s{cause(log, start)}.\n"
                             f"--- last lines of {log} ---\n{tail(log)}")
        time.sleep(0.2)


def cause(log: Path, since: int = 0) -> str:
    """': <the last exception line>' written to `log` after byte `since`, if any
    (the real reason, which a long traceback can push out of the tail)."""
    try:
        with log.open("rb") as handle:
            handle.seek(since)
            lines = handle.read().decode(errors="replace").splitlines()
    except OSError:
        return ""
    errors = [line.strip() for line in lines
              if re.match(r"^\w+(\.\w+)*(Error|Exception): ", line.strip())
              and "HaltServer" not in line]
    return f": {errors[-1]}" if errors else ""


# --- reconciler ------------------------------------------------------------------

def last_run(config: StackConfig) -> dict | None:
    try:
        return json.loads(last_run_file(config).read_text())
    except (OSError, ValueError):
        return None


def reconciler_up(config: StackConfig) -> None:
    if processes.pid_of(pidfile(config, RECONCILER), RECONCILER.marker):
        return
    last_run_file(config).unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "stack.scheduler", "--interval", str(config.reconcile_interval),
        "--record", str(last_run_file(config)),
    ]
    processes.spawn(command, process_env(config, RECONCILER), logfile(config, RECONCILER),
                    pidfile(config, RECONCILER), cwd=config.root)
    wait_for(lambda: last_run(config) is not None, "the reconciler", logfile(config, RECONCILER),
             alive=lambda: processes.pid_of(pidfile(config, RECONCILER), RECONCILER.marker)
             is not None)


def reconcile_once(config: StackConfig) -> scheduler.Run:
    """Run the reconciler now; the run is logged and shown by `make status` like a
    scheduled one."""
    run = scheduler.run_reconciler(process_env(config, RECONCILER), cwd=config.root, timeout=120)
    if config.logs.is_dir() and config.run.is_dir():  # a stack made by `make up`
        with logfile(config, RECONCILER).open("a") as log:
            log.write(scheduler.log_entry(run, "run now"))
        scheduler.write_record(run, last_run_file(config))
    return run


# --- the whole stack ---------------------------------------------------------------

def up(config: StackConfig, say=print) -> None:
    """Start whatever is not running; a second call only reports."""
    save(config)
    database_up(config, say)
    api_up(config, say)
    reconciler_up(config)


def restart_app(config: StackConfig, say=print) -> None:
    """Restart the API and the reconciler (after a code change); PostgreSQL keeps running."""
    for service in (RECONCILER, API):
        processes.stop(pidfile(config, service), service.marker)
    api_up(config, say)
    reconciler_up(config)
    say("restarted the API and the reconciler")


def down(config: StackConfig, say=print) -> None:
    for service in (RECONCILER, API):
        if processes.stop(pidfile(config, service), service.marker):
            say(f"stopped {service.name}")
    if config.state_dir.exists():
        cluster = Cluster(config)
        if cluster.running():
            cluster.stop()
            say("stopped postgres")


def destroy(config: StackConfig, keep: tuple[str, ...] = ()) -> None:
    """Stop everything and delete the state folder and the cluster, except the
    entries named in `keep` (`make destroy` keeps the attendee's backups)."""
    down(config, say=lambda _: None)
    cluster_dir = config.state_dir / "postgres"
    if cluster_dir.is_symlink():
        shutil.rmtree(cluster_dir.resolve(), ignore_errors=True)
    if not config.state_dir.exists():
        return
    for entry in config.state_dir.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if not any(config.state_dir.iterdir()):
        config.state_dir.rmdir()


def status(config: StackConfig) -> dict[str, tuple[bool, str]]:
    """{service: (ok, one line)} for postgres, api and reconciler."""
    result: dict[str, tuple[bool, str]] = {}
    if not (config.state_dir / "stack.json").exists():
        return {name: (False, "not set up (run `make up`)")
                for name in ("postgres", "api", "reconciler")}
    cluster = Cluster(config)
    result["postgres"] = (
        (True, f"running on {HOST}:{config.pg_port} (data in {cluster.root})")
        if cluster.running() else (False, f"stopped (log: {cluster.log})")
    )
    api_pid = processes.pid_of(pidfile(config, API), API.marker)
    if api_pid and api_healthy(config):
        result["api"] = (True, f"running on {config.api_url} (pid {api_pid})")
    elif api_pid:
        result["api"] = (False, f"process {api_pid} is up but /healthz fails "
                                f"(log: {logfile(config, API)})")
    else:
        crashed = pidfile(config, API).exists()
        result["api"] = (False, ("crashed" if crashed else "stopped")
                         + f" (log: {logfile(config, API)})")
    sched_pid = processes.pid_of(pidfile(config, RECONCILER), RECONCILER.marker)
    run = last_run(config)
    if not sched_pid:
        result["reconciler"] = (False, "stopped" + (" (crashed)" if pidfile(
            config, RECONCILER).exists() else ""))
    elif run is None:
        result["reconciler"] = (True, "scheduled, first run pending")
    elif run["exit_code"] == 0:
        result["reconciler"] = (True, f"every {config.reconcile_interval}s; last run OK at "
                                      f"{run['finished']}: {' / '.join(run['output'][:2])}")
    else:
        reason = run["output"][-1] if run["output"] else "no output"
        result["reconciler"] = (False, f"last run FAILED at {run['finished']} "
                                       f"(exit {run['exit_code']}): {reason} "
                                       f"(log: {logfile(config, RECONCILER)})")
    return result


def port_in_use(what: str, port: int, variable: str) -> str:
    return (f"port {HOST}:{port} for {what} is already in use by another program.\n"
            f"Find it with `ss -ltnp 'sport = :{port}'` and stop it, or use another port: "
            f"`make down`, then `{variable}=<port> make up` (the choice is remembered).")
