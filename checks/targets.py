"""Where the grader's requests go: the local stack (`make up`) or a k3d deployment.

A Target bundles the API's URL, the secrets the grader needs to forge tokens and
log in, an optional database connection, and a way to run the reconciler once.
Problems the attendee can fix raise TargetError with one line to print.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import shutil
import subprocess
import time
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests

from stack import config as stack_config

K3D_CONFIG = Path(__file__).resolve().parent / "k3d.toml"
SECRET_KEYS = ("TOKEN_SECRET", "APP_ROOT_CREDENTIAL", "APP_RECONCILER_CREDENTIAL")
RECONCILE_TIMEOUT = 90  # seconds


class TargetError(Exception):
    """The target is not ready; the message is one line (plus an optional log tail)."""


@dataclass
class RunResult:
    """One reconciler run: exit code and output, wherever it ran."""

    returncode: int
    stdout: str
    stderr: str = ""


@dataclass
class Target:
    name: str
    api_url: str
    secrets: dict[str, str]
    reconcile: Callable[[], RunResult]
    connect_db: Callable[[], object] | None = None  # psycopg2 connection, or None
    no_db_reason: str = ""


# --- local -------------------------------------------------------------------------

def local_target(state_dir: Path) -> Target:
    """The `make up` stack in `state_dir` (ports and secrets from its stack.json).

    Raises TargetError (one line + the failing service's log tail) if something is down."""
    from stack import local
    from stack.postgres import Cluster, StackError, tail

    config = stack_config.load(state_dir)
    if not (config.state_dir / "stack.json").exists():
        raise TargetError(f"no local stack in {config.state_dir}: run: make up")
    try:
        report = local.status(config)
    except StackError as error:
        raise TargetError(str(error).splitlines()[0]) from None
    for service, (ok, line) in report.items():
        # a running reconciler whose last run failed is graded (A01-09), not "down"
        if not ok and not (service == "reconciler" and "last run FAILED" in line):
            log = local.service_logs(config)[service]
            fix = "make down && make up" if "is up but" in line else "make up"
            raise TargetError(f"{service} is not ready: {line}; run: {fix}\n"
                              f"--- last lines of {log} ---\n{tail(log, 8)}")

    def reconcile() -> RunResult:
        done = local.reconcile_once(config)  # a run that hangs comes back as exit 124
        return RunResult(done.returncode, done.stdout, done.stderr)

    return Target("local", config.api_url, dict(config.secrets), reconcile,
                  connect_db=lambda: Cluster(config).connect("bank", "bank"))


# --- k3d ----------------------------------------------------------------------------

@dataclass(frozen=True)
class K3dConfig:
    """checks/k3d.toml: where the port-forwarded API (and optionally the DB) answer."""

    api_url: str = "http://127.0.0.1:3000"
    namespace: str = "default"
    context: str = ""  # kubectl context; "" = the current one
    secret: str = "api-secrets"  # noqa: S105 - the Secret's name
    cronjob: str = "reconciler"
    db_port: int = 0  # a port-forwarded PostgreSQL (kubectl port-forward svc/postgres N:5432)
    db_host: str = "127.0.0.1"


def load_k3d_config(path: Path = K3D_CONFIG) -> K3dConfig:
    """Parse the TOML file; a missing file means all defaults. TargetError on bad content."""
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return K3dConfig()
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TargetError(f"cannot read {path}: {error}") from None
    known = set(K3dConfig.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise TargetError(f"{path}: unknown setting(s) {', '.join(unknown)} "
                          f"(known: {', '.join(sorted(known))})")
    defaults = K3dConfig()
    for name, value in data.items():
        if not isinstance(value, type(getattr(defaults, name))) or isinstance(value, bool):
            raise TargetError(f"{path}: {name} must be a "
                              f"{type(getattr(defaults, name)).__name__}, got {value!r}")
    config = K3dConfig(**data)
    if not config.api_url.startswith(("http://", "https://")):
        raise TargetError(f"{path}: api_url must start with http:// or https://")
    return config


class Kubectl:
    """Builds and runs kubectl command lines for one namespace/context."""

    def __init__(self, config: K3dConfig, runner: Callable[..., subprocess.CompletedProcess]
                 = subprocess.run) -> None:
        self.config, self.runner = config, runner

    def command(self, *args: str) -> list[str]:
        base = ["kubectl"]
        if self.config.context:
            base += ["--context", self.config.context]
        return [*base, "--namespace", self.config.namespace, *args]

    def secret_command(self, key: str) -> list[str]:
        return self.command("get", "secret", self.config.secret, "-o",
                            f"jsonpath={{.data.{key}}}")

    def create_job_command(self, name: str) -> list[str]:
        return self.command("create", "job", f"--from=cronjob/{self.config.cronjob}", name)

    def job_state_command(self, name: str) -> list[str]:
        return self.command("get", "job", name, "-o",
                            "jsonpath={.status.succeeded},{.status.failed}")

    def logs_command(self, name: str) -> list[str]:
        return self.command("logs", f"job/{name}")

    def delete_job_command(self, name: str) -> list[str]:
        return self.command("delete", "job", name, "--wait=false")

    def run(self, command: list[str], timeout: float = 30) -> str:
        """stdout of `command`; TargetError (one line) if kubectl is missing or fails."""
        if self.runner is subprocess.run and shutil.which("kubectl") is None:
            raise TargetError("kubectl not found: install it (https://kubernetes.io/docs/tasks/"
                              "tools/) or run make doctor TARGET=k3d")
        try:
            done = self.runner(command, capture_output=True, text=True, timeout=timeout)
        except FileNotFoundError:
            raise TargetError("kubectl not found: install it or run make doctor TARGET=k3d"
                              ) from None
        except subprocess.TimeoutExpired:
            raise TargetError(f"timed out after {timeout:g}s: {' '.join(command)}") from None
        if done.returncode:
            reason = (done.stderr or done.stdout or "").strip().splitlines()
            raise TargetError(f"{' '.join(command[:6])} … failed: "
                              f"{reason[-1] if reason else f'exit {done.returncode}'}")
        return done.stdout

    def secrets(self, keys: tuple[str, ...] = SECRET_KEYS) -> dict[str, str]:
        """The base64-decoded values of `keys` in the API's Secret."""
        values = {}
        for key in keys:
            encoded = self.run(self.secret_command(key)).strip()
            if not encoded:
                raise TargetError(f"secret {self.config.secret} in namespace "
                                  f"{self.config.namespace} has no key {key}: see README step 7 "
                                  "(Kubernetes: wire the secrets), then make deploy")
            try:
                values[key] = base64.b64decode(encoded, validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                raise TargetError(f"secret {self.config.secret}: key {key} is not valid base64"
                                  ) from None
        return values

    def reconcile(self, timeout: float = RECONCILE_TIMEOUT, poll: float = 2) -> RunResult:
        """Run the CronJob once as job grader-<random>, wait, return its logs, delete it."""
        name = f"grader-{uuid.uuid4().hex[:8]}"
        self.run(self.create_job_command(name))
        try:
            deadline = time.monotonic() + timeout
            while True:
                succeeded, _, failed = self.run(self.job_state_command(name)).partition(",")
                if succeeded.strip() not in ("", "0") or failed.strip() not in ("", "0"):
                    break
                if time.monotonic() > deadline:
                    return RunResult(124, "", f"job {name} gave no result within {timeout:g}s")
                time.sleep(poll)
            try:
                logs = self.run(self.logs_command(name))
            except TargetError as error:
                logs = str(error)
            ok = succeeded.strip() not in ("", "0")
            return RunResult(0 if ok else 1, logs if ok else "", "" if ok else logs)
        finally:
            with contextlib.suppress(TargetError):
                self.run(self.delete_job_command(name))


def k3d_target(path: Path = K3D_CONFIG, kubectl: Kubectl | None = None) -> Target:
    """The k3d deployment reached through a port-forward; secrets read with kubectl."""
    config = load_k3d_config(path)
    kubectl = kubectl or Kubectl(config)
    try:
        healthy = requests.get(f"{config.api_url.rstrip('/')}/healthz", timeout=5)
    except requests.RequestException:
        raise TargetError(f"the API does not answer at {config.api_url}: run: kubectl "
                          f"port-forward svc/api {_port(config.api_url)}:80 (and make deploy)"
                          ) from None
    if healthy.status_code != 200:
        raise TargetError(f"GET {config.api_url}/healthz answered {healthy.status_code}: check "
                          "kubectl get pods and kubectl logs deploy/api")
    secrets = kubectl.secrets()
    connect_db, reason = None, ("no database configured for k3d: set db_port in "
                                f"{path} after kubectl port-forward svc/postgres <port>:5432")
    if config.db_port:
        db_password = kubectl.secrets(("APP_DB_PASSWORD",))["APP_DB_PASSWORD"]

        def connect_db() -> object:
            import psycopg2

            return psycopg2.connect(host=config.db_host, port=config.db_port, user="bank",
                                    password=db_password, dbname="bank", connect_timeout=5)
        reason = ""
    return Target("k3d", config.api_url, secrets, kubectl.reconcile, connect_db, reason)


def _port(url: str) -> str:
    tail = url.rsplit(":", 1)[-1].split("/")[0]
    return tail if tail.isdigit() else "3000"


def load_target(name: str, state_dir: Path) -> Target:
    """The target called `name` ('local' or 'k3d')."""
    if name == "k3d":
        return k3d_target(Path(os.environ.get("CHECKS_K3D_CONFIG") or K3D_CONFIG))
    return local_target(state_dir)
