"""`python -m stack` (what `make up/status/down/reset-db` run) on its own throw-away stack."""

import os
import subprocess
import sys
import time

import pytest
import requests

from stack import local, processes
from stack.config import ROOT, free_port, save
from stack.postgres import Cluster

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    state = tmp_path_factory.mktemp("lifecycle")
    state.chmod(0o755)
    env = {**os.environ, "WORKSHOP_API_PORT": str(free_port()),
           "WORKSHOP_PG_PORT": str(free_port())}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "stack", *args, "--state-dir", str(state)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    run.state = state
    yield run
    from stack.config import load
    local.destroy(load(state))


def user_count(config) -> int:
    with Cluster(config).connect("bank", "bank") as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users")
        return cur.fetchone()[0]


def test_up_status_reset_down(cli):
    from stack.config import load

    first = cli("up")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "loaded the data set: 50 users" in first.stdout
    config = load(cli.state)
    assert requests.get(f"{config.api_url}/healthz", timeout=5).json() == {"status": "ok"}
    assert (cli.state / "stack.json").stat().st_mode & 0o077 == 0
    # nothing outside the state folder: no gunicorn control socket in $HOME
    assert "Control socket listening" not in (cli.state / "logs" / "api.log").read_text()
    users = user_count(config)

    again = cli("up")
    assert again.returncode == 0
    assert "already running" in again.stdout
    assert "loaded the data set" not in again.stdout
    assert user_count(config) == users  # a second `make up` never duplicates data

    with Cluster(config).connect("bank", "bank") as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO users (created_at, credit_card, currency, email, is_active,"
                    " country, username) SELECT now(), credit_card, currency, 'e@x.io', true,"
                    " country, 'extra' FROM users WHERE id = 1")
    assert user_count(config) == users + 1
    assert cli("reset-db").returncode == 0
    assert user_count(config) == users

    status = cli("status")
    assert status.returncode == 0 and "✘" not in status.stdout

    # a crashed API shows up in status
    pid = processes.pid_of(local.pidfile(config, local.API), local.API.marker)
    os.kill(pid, 9)
    time.sleep(1)
    crashed = cli("status")
    assert crashed.returncode == 1
    assert "✘ api" in crashed.stdout

    down = cli("down")
    assert down.returncode == 0
    assert not Cluster(config).running()
    for service in (local.API, local.RECONCILER):
        assert processes.pid_of(local.pidfile(config, service), service.marker) is None
    leftover = subprocess.run(["pgrep", "-f", str(cli.state)], capture_output=True, text=True)
    assert leftover.stdout == ""


def test_port_in_use_is_one_clear_error(cli, tmp_path):
    import socket

    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        state = tmp_path / "busy"
        result = subprocess.run(
            [sys.executable, "-m", "stack", "up", "--state-dir", str(state)], cwd=ROOT,
            env={**os.environ, "WORKSHOP_PG_PORT": str(port), "WORKSHOP_API_PORT": str(free_port())},
            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"port 127.0.0.1:{port} for PostgreSQL is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stack_that_cannot_start_says_which_and_shows_its_log(tmp_path):
    """An API that dies at start-up (no DB password) is named, with its log tail."""
    from stack.config import load

    state = tmp_path / "broken"
    state.mkdir()
    state.chmod(0o755)
    config = load(state, api_port=free_port(), pg_port=free_port())
    save(config)
    try:
        local.database_up(config, say=lambda _: None)
        config.secrets["APP_DB_PASSWORD"] = ""  # the app refuses to boot
        with pytest.raises(local.StackError) as error:
            local.api_up(config)
        assert "the API" in str(error.value)
        assert "last lines of" in str(error.value)
        assert "APP_DB_PASSWORD is not set" in str(error.value)
    finally:
        local.destroy(config)


def test_pid_files_never_point_at_foreign_processes(tmp_path):
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        pidfile = tmp_path / "api.pid"
        pidfile.write_text(str(sleeper.pid))
        assert processes.pid_of(pidfile, "gunicorn") is None
        assert processes.stop(pidfile, "gunicorn") is False
        assert sleeper.poll() is None  # still alive: not ours, not touched
    finally:
        sleeper.kill()
        sleeper.wait()


def test_destroy_keeps_what_it_is_told_to(tmp_path):
    from stack.config import load

    config = load(tmp_path / "state")
    save(config)
    (config.state_dir / "backups" / "20260101T000000Z-before-reset-a01").mkdir(parents=True)
    local.destroy(config, keep=("backups",))
    assert sorted(p.name for p in config.state_dir.iterdir()) == ["backups"]
    local.destroy(config)
    assert not config.state_dir.exists()


@pytest.mark.parametrize("source", ["proc", "ps"])
def test_process_table_sources_agree_on_a_known_process(source, monkeypatch, tmp_path):
    """/proc on Linux and `ps` (macOS) find our process, its group and its command."""
    if source == "ps":
        monkeypatch.setattr(processes, "PROC", tmp_path / "no-proc")
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        table = processes.process_table()
        assert table[sleeper.pid].pgid == sleeper.pid
        assert table[sleeper.pid].command == "sleep 30"
        pidfile = tmp_path / "sleep.pid"
        pidfile.write_text(str(sleeper.pid))
        assert processes.pid_of(pidfile, "sleep") == sleeper.pid
        assert processes.stop(pidfile, "sleep") is True
        assert sleeper.wait(timeout=10) is not None
    finally:
        sleeper.kill()
