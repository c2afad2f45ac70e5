"""Local stack configuration: generated secrets, saved privately, ports from the environment."""

import pytest

from stack.config import load, port_is_free, save


def test_each_install_gets_its_own_secrets(tmp_path):
    first, second = load(tmp_path / "a"), load(tmp_path / "b")
    assert first.secrets["APP_DB_PASSWORD"] != second.secrets["APP_DB_PASSWORD"]
    assert len(first.secrets["PG_SUPERUSER_PASSWORD"]) >= 24
    assert "postgres" not in first.secrets.values()


def test_saved_config_is_private_and_reloaded(tmp_path):
    config = load(tmp_path)
    save(config)
    assert (tmp_path / "stack.json").stat().st_mode & 0o777 == 0o600
    again = load(tmp_path)
    assert again.secrets == config.secrets and again.api_port == config.api_port


def test_ports_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKSHOP_API_PORT", "3111")
    monkeypatch.setenv("WORKSHOP_PG_PORT", "55999")
    config = load(tmp_path)
    assert (config.api_port, config.pg_port) == (3111, 55999)
    assert config.api_env()["APP_BIND"] == "127.0.0.1:3111"
    assert config.api_env()["APP_DB_PORT"] == "55999"


def test_every_service_binds_loopback(tmp_path):
    env = load(tmp_path).api_env()
    assert env["APP_BIND"].startswith("127.0.0.1:")
    assert env["APP_DB_HOST"] == "127.0.0.1"


@pytest.mark.parametrize("busy", [True, False])
def test_port_is_free(busy):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        if busy:
            sock.listen()
            assert not port_is_free(port)
    if not busy:
        assert port_is_free(port)
