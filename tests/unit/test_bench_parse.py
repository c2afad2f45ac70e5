"""make bench reads wrk's report; these are wrk 4.x outputs."""

import pytest

from stack.bench import parse_wrk

WRK = """Running 10s test @ http://127.0.0.1:3000/users
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.10ms    1.20ms  30.00ms   90.00%
    Req/Sec   790.00     50.00     0.90k    70.00%
  Latency Distribution
     50%  812.00us
     75%    5.50ms
     90%    6.80ms
     99%    1.20s
  15800 requests in 10.00s, 300.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1580.12
Transfer/sec:     30.00MB
"""


def test_parse_wrk_units():
    assert parse_wrk(WRK) == {"rps": 1580.12, "p50_ms": 0.812, "p99_ms": 1200.0, "errors": 3}


def test_parse_wrk_rejects_garbage():
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:3000 Connection refused")
