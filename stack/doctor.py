"""`make doctor`: check the prerequisites and say exactly what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys

from stack import local
from stack.config import DEFAULT_API_PORT, DEFAULT_PG_PORT, load, port_is_free
from stack.postgres import Cluster, find_bindir, install_hint, running_as_root


def run(target: str = "local") -> int:
    problems = 0

    def check(ok: bool, good: str, bad: str) -> None:
        nonlocal problems
        print(f"  {'✔' if ok else '✘'} {good if ok else bad}")
        problems += not ok

    version = ".".join(map(str, sys.version_info[:3]))
    check(sys.version_info >= (3, 11), f"Python {version}",
          f"Python {version} is too old: install Python 3.11 or newer")
    bindir = find_bindir()
    check(bindir is not None, f"PostgreSQL server binaries in {bindir}",
          f"PostgreSQL server binaries missing: {install_hint()}")
    if running_as_root():
        check(shutil.which("runuser") is not None, "runuser (to run PostgreSQL as 'postgres')",
              "runuser missing: apt-get install -y util-linux")
    config = load()
    ours = {config.api_port: local.api_healthy(config, timeout=1),
            config.pg_port: bindir is not None and (config.state_dir / "stack.json").exists()
            and Cluster(config, bindir).running()}
    for what, port, default in (("the API", config.api_port, DEFAULT_API_PORT),
                                ("PostgreSQL", config.pg_port, DEFAULT_PG_PORT)):
        free = port_is_free(port) or ours[port]
        variable = "WORKSHOP_API_PORT" if what == "the API" else "WORKSHOP_PG_PORT"
        check(free, f"port {port} for {what} is free (or ours)",
              f"port {port} for {what} is taken: stop that program or "
              f"`{variable}=<port> make up` (default {default})")
    if target == "k3d":
        for tool, hint in (("docker", "https://docs.docker.com/engine/install/"),
                           ("k3d", "https://k3d.io (install script or `brew install k3d`)"),
                           ("kubectl", "https://kubernetes.io/docs/tasks/tools/")):
            check(shutil.which(tool) is not None, f"{tool} found", f"{tool} missing: {hint}")
        if shutil.which("docker"):
            engine = subprocess.run(["docker", "info"], capture_output=True, timeout=30)
            check(engine.returncode == 0, "the Docker engine answers",
                  "docker is installed but its engine does not answer (`docker info` fails): "
                  "start Docker Desktop / `sudo systemctl start docker`")
    print("all prerequisites are met" if not problems else f"{problems} problem(s) found")
    return 1 if problems else 0
