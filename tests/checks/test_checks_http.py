"""Every HTTP call has a timeout; a hung or absent API is a FAIL line, never a traceback."""

from __future__ import annotations

import socket
import threading

import pytest

from checks.http import Api
from checks.registry import Check, CheckFailed, Status, passed, run_check


@pytest.fixture
def hung_server():
    """A socket that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_hung_api_times_out_with_a_clear_message(hung_server):
    with pytest.raises(CheckFailed, match=r"timed out after 0.3s calling GET /users"):
        Api(hung_server, timeout=0.3).get("/users")


def test_inside_a_check_it_is_a_fail(hung_server):
    api = Api(hung_server, timeout=0.3)
    check = Check("T-01", "d", "h", lambda ctx: passed(str(api.get("/users").status)),
                  frozenset({"local"}))
    result = run_check(check, None, "local")
    assert result.status is Status.FAIL
    assert result.detail == "timed out after 0.3s calling GET /users"


def test_nothing_listening_is_a_clear_message():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CheckFailed, match=f"cannot connect to http://127.0.0.1:{port} calling "
                                          "POST /token"):
        Api(f"http://127.0.0.1:{port}").post("/token")
