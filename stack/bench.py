"""`make bench`: requests/s and p50/p99 latency of the running local stack, with wrk.

The numbers are the baseline later stages are compared with (the cost of each
security layer). Each run is saved to <state>/bench/<UTC time>.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import requests

from stack import config as stack_config
from stack import local
from stack.postgres import StackError, running_as_root

ENDPOINTS = ["/users/1", "/users", "/transactions"]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if running_as_root() and Path("/etc/debian_version").exists():
        print("installing wrk (apt-get install -y wrk) …")
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        if shutil.which("wrk"):
            return shutil.which("wrk")
    raise StackError("wrk is not installed: `sudo apt-get install -y wrk` or `brew install wrk`")


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s and the 50%/99% latencies (ms) from `wrk --latency` output."""
    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            raise ValueError(f"no {percent}% latency in wrk output")
        return round(float(match[1]) * UNITS[match[2]], 3)

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if not rps:
        raise ValueError("no Requests/sec in wrk output")
    return {"rps": float(rps[1]), "p50_ms": latency("50"), "p99_ms": latency("99"),
            "errors": int(non_2xx[1]) if non_2xx else 0}


def auth_headers(config: stack_config.StackConfig) -> list[str]:
    """From A01 on every route needs a token: use a root token when /token exists."""
    response = requests.post(f"{config.api_url}/token", timeout=5,
                             auth=("root", config.secrets["APP_ROOT_CREDENTIAL"]))
    if response.status_code != 200:
        return []
    return ["-H", f"Authorization: Bearer {response.json()['access_token']}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack.bench", description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--state-dir", type=Path, default=stack_config.DEFAULT_STATE_DIR)
    args = parser.parse_args(argv)
    try:
        config = stack_config.load(args.state_dir)
        if not local.api_healthy(config):
            raise StackError("the API is not running: start the stack with `make up`")
        wrk = ensure_wrk()
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    headers = auth_headers(config)
    print(f"wrk, {args.duration}s per endpoint, {args.connections} connections, 2 threads"
          f"{', with a root token' if headers else ''}\n")
    print(f"{'endpoint':<16}{'requests/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}")
    results = {}
    for path in ENDPOINTS:
        run = subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency", *headers,
             config.api_url + path], capture_output=True, text=True, check=False)
        try:
            results[path] = parse_wrk(run.stdout)
        except ValueError as error:
            print(f"error: wrk on {path}: {error}\n{run.stdout}{run.stderr}", file=sys.stderr)
            return 1
        r = results[path]
        print(f"GET {path:<12}{r['rps']:>12.1f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
              f"{r['errors']:>9}")
    out = config.state_dir / "bench" / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"duration_s": args.duration, "connections": args.connections,
                               "results": results}, indent=2) + "\n")
    print(f"\nsaved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
