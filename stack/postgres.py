"""A project-owned PostgreSQL cluster: found, installed, initialised, started, stopped.

The cluster lives in the state folder and listens on 127.0.0.1 at its own port
with no Unix socket, so it never meets a system instance. PostgreSQL refuses to
run as root: when we are root, every server command runs as the `postgres`
system user (created by the Debian package), which owns the cluster folder.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

import psycopg2
from psycopg2 import sql

from stack.config import HOST, StackConfig

SERVER_USER = "postgres"


class StackError(Exception):
    """A problem the person running the stack can fix; printed as one message."""


# --- binaries -----------------------------------------------------------------

def find_bindir() -> Path | None:
    """The folder holding initdb/pg_ctl/postgres: $PG_BINDIR, Debian's newest, or PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    for name in ("pg_ctl", "initdb"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def install_hint() -> str:
    if platform.system() == "Darwin":
        return "brew install postgresql@16 && brew link postgresql@16"
    return "sudo apt-get update && sudo apt-get install -y postgresql"


def ensure_bindir() -> Path:
    """Find the server binaries; on Debian/Ubuntu as root, install them if missing."""
    bindir = find_bindir()
    if bindir:
        return bindir
    if os.geteuid() == 0 and Path("/etc/debian_version").exists():
        print("PostgreSQL server binaries not found: installing the 'postgresql' package …")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode:
                raise StackError(f"'{' '.join(command)}' failed:\n{result.stderr[-2000:]}")
        bindir = find_bindir()
        if bindir:
            return bindir
    raise StackError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them with:\n"
        f"    {install_hint()}\n"
        "or point PG_BINDIR at the folder that holds them."
    )


# --- running as the right user ------------------------------------------------

def running_as_root() -> bool:
    return os.geteuid() == 0


def as_server_user(command: list[str]) -> list[str]:
    if not running_as_root():
        return command
    if not shutil.which("runuser"):
        raise StackError("running as root needs 'runuser' (util-linux) to start PostgreSQL")
    return ["runuser", "-u", SERVER_USER, "--", *command]


def _server_user_can_reach(folder: Path) -> bool:
    probe = subprocess.run(as_server_user(["test", "-x", str(folder)]), capture_output=True)
    return probe.returncode == 0


def cluster_root(config: StackConfig) -> Path:
    """The folder that holds the cluster (data/ and postgres.log).

    Normally <state>/postgres. As root, when the `postgres` user cannot reach the
    state folder (a checkout under /root, say), the cluster goes to
    /var/lib/secure-bank-workshop/<hash> and <state>/postgres links to it.
    """
    link = config.state_dir / "postgres"
    if link.is_symlink() or link.exists() or not running_as_root():
        return link.resolve() if link.is_symlink() else link
    if _server_user_can_reach(config.state_dir):
        return link
    digest = hashlib.sha256(str(config.state_dir).encode()).hexdigest()[:12]
    target = Path("/var/lib/secure-bank-workshop") / digest
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o755)
    link.symlink_to(target)
    return target


class Cluster:
    """One PostgreSQL cluster owned by a StackConfig."""

    def __init__(self, config: StackConfig, bindir: Path | None = None) -> None:
        self.config = config
        self.bindir = bindir or ensure_bindir()
        self.root = cluster_root(config)
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"

    def _tool(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = as_server_user([str(self.bindir / name), *args])
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode:
            raise StackError(f"{name} failed: {(result.stderr or result.stdout).strip()[-1500:]}")
        return result

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """initdb with a generated superuser password and loopback-only settings."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.config.secrets["PG_SUPERUSER_PASSWORD"] + "\n")
        if running_as_root():
            shutil.chown(self.root, SERVER_USER, SERVER_USER)
            shutil.chown(pwfile, SERVER_USER, SERVER_USER)
        try:
            self._tool(
                "initdb", "-D", str(self.data), "-U", "postgres", f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        settings = (
            f"\n# secure-bank-workshop: project-owned cluster, loopback only\n"
            f"listen_addresses = '{HOST}'\n"
            "unix_socket_directories = ''\n"
            "log_line_prefix = '%m [%p] %q%u@%d '\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(settings)

    def running(self) -> bool:
        if not self.initialised:
            return False
        return self._tool("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def start(self) -> None:
        if self.running():
            return
        result = self._tool(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", f"-p {self.config.pg_port}",
            check=False,
        )
        if result.returncode:
            raise StackError(
                f"PostgreSQL did not start on {HOST}:{self.config.pg_port}.\n"
                f"--- last lines of {self.log} ---\n{tail(self.log)}"
            )

    def stop(self) -> None:
        if self.running():
            self._tool("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def connect(self, user: str = "postgres", dbname: str = "postgres"):
        password = (
            self.config.secrets["PG_SUPERUSER_PASSWORD"] if user == "postgres"
            else self.config.secrets["APP_DB_PASSWORD"]
        )
        return psycopg2.connect(
            host=HOST, port=self.config.pg_port, user=user, password=password,
            dbname=dbname, connect_timeout=5,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.connect().close()
                return
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise StackError(f"PostgreSQL is not answering.\n{tail(self.log)}") from None
                time.sleep(0.3)

    def bank_exists(self) -> bool:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = 'bank'")
            found = cur.fetchone() is not None
        conn.close()
        return found

    def create_bank(self) -> None:
        """Role `bank` (generated password) owning database `bank`."""
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = 'bank'")
            verb = "ALTER" if cur.fetchone() else "CREATE"
            cur.execute(
                sql.SQL(verb + " ROLE bank LOGIN PASSWORD {}").format(
                    sql.Literal(self.config.secrets["APP_DB_PASSWORD"])
                )
            )
            cur.execute("CREATE DATABASE bank OWNER bank")
        conn.close()

    def drop_bank(self) -> None:
        conn = self.connect()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS bank WITH (FORCE)")
        conn.close()

    def load_data(self) -> tuple[int, int]:
        """Schema and the synthetic data set, as user `bank`; returns the row counts."""
        from bankdata.sql import full_script

        with self.connect("bank", "bank") as conn, conn.cursor() as cur:
            cur.execute(full_script())
            cur.execute("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM transactions)")
            users, transactions = cur.fetchone()
        conn.close()
        return users, transactions


def tail(path: Path, lines: int = 15) -> str:
    try:
        content = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no log at {path})"
    return "\n".join(content[-lines:]) or "(log is empty)"
