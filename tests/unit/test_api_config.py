"""The API's configuration comes from the documented APP_DB_* variables."""

import pytest

from api.config import database_url


def test_url_from_environment(monkeypatch):
    monkeypatch.setenv("APP_DB_HOST", "db.internal")
    monkeypatch.setenv("APP_DB_PORT", "6543")
    monkeypatch.setenv("APP_DB_DBNAME", "ledger")
    monkeypatch.setenv("APP_DB_USERNAME", "teller")
    monkeypatch.setenv("APP_DB_PASSWORD", "p@ss/word")
    url = database_url()
    assert (url.host, url.port, url.database, url.username) == ("db.internal", 6543, "ledger", "teller")
    assert url.password == "p@ss/word"


def test_missing_password_is_refused(monkeypatch):
    monkeypatch.delenv("APP_DB_PASSWORD", raising=False)
    with pytest.raises(RuntimeError, match="APP_DB_PASSWORD"):
        database_url()
