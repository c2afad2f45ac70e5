"""Where the local stack keeps its state, which ports it uses, and its secrets."""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STATE_DIR = ROOT / ".workshop"
DEFAULT_API_PORT = 3000
DEFAULT_PG_PORT = 55432
HOST = "127.0.0.1"  # every service listens on loopback only
# Generated once per install; the app reads the ones its current stage needs.
SECRET_NAMES = (
    "PG_SUPERUSER_PASSWORD",  # the cluster's `postgres` superuser (stack tooling only)
    "APP_DB_PASSWORD",  # the API's database role `bank`
    "TOKEN_SECRET",  # signs the API's JWTs (from A01)
    "APP_ROOT_CREDENTIAL",  # the root client's credential for POST /token (from A01)
    "APP_RECONCILER_CREDENTIAL",  # the reconciler client's credential (from A01)
)


@dataclass
class StackConfig:
    """Settings of one local stack; saved in <state_dir>/stack.json on first use."""

    state_dir: Path = DEFAULT_STATE_DIR
    root: Path = ROOT
    api_port: int = DEFAULT_API_PORT
    pg_port: int = DEFAULT_PG_PORT
    reconcile_interval: int = 60
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"

    @property
    def run(self) -> Path:
        return self.state_dir / "run"

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    def api_env(self) -> dict[str, str]:
        """The API's environment (the same names as in kubernetes/api.yaml)."""
        return {
            "APP_DB_HOST": HOST,
            "APP_DB_PORT": str(self.pg_port),
            "APP_DB_DBNAME": "bank",
            "APP_DB_USERNAME": "bank",
            "APP_DB_PASSWORD": self.secrets["APP_DB_PASSWORD"],
            "APP_BIND": f"{HOST}:{self.api_port}",
            "TOKEN_SECRET": self.secrets["TOKEN_SECRET"],
            "APP_ROOT_CREDENTIAL": self.secrets["APP_ROOT_CREDENTIAL"],
            "APP_RECONCILER_CREDENTIAL": self.secrets["APP_RECONCILER_CREDENTIAL"],
        }

    def reconciler_env(self) -> dict[str, str]:
        """The reconciler's environment (kubernetes/reconciler.yaml): its own credential only."""
        return {
            "APP_API_URL": self.api_url,
            "APP_API_CREDENTIAL": self.secrets["APP_RECONCILER_CREDENTIAL"],
        }


def _config_file(state_dir: Path) -> Path:
    return state_dir / "stack.json"


def load(state_dir: Path = DEFAULT_STATE_DIR, **defaults: int) -> StackConfig:
    """The saved configuration, or a new one (fresh secrets, ports from the
    WORKSHOP_API_PORT / WORKSHOP_PG_PORT variables or `defaults`)."""
    state_dir = Path(state_dir).resolve()
    path = _config_file(state_dir)
    if path.exists():
        config = StackConfig(state_dir=state_dir, **json.loads(path.read_text()))
    else:
        config = StackConfig(
            state_dir=state_dir,
            api_port=defaults.get("api_port", DEFAULT_API_PORT),
            pg_port=defaults.get("pg_port", DEFAULT_PG_PORT),
            reconcile_interval=defaults.get("reconcile_interval", 60),
            secrets={name: secrets.token_urlsafe(32) for name in SECRET_NAMES},
        )
    missing = [name for name in SECRET_NAMES if name not in config.secrets]
    for name in missing:  # a state folder made by an older version of the repo
        config.secrets[name] = secrets.token_urlsafe(32)
    if missing and path.exists():
        save(config)
    config.api_port = int(os.environ.get("WORKSHOP_API_PORT") or config.api_port)
    config.pg_port = int(os.environ.get("WORKSHOP_PG_PORT") or config.pg_port)
    return config


def save(config: StackConfig) -> None:
    """Write stack.json (mode 600: it holds the generated secrets)."""
    config.state_dir.mkdir(parents=True, exist_ok=True)
    for folder in (config.logs, config.run):
        folder.mkdir(exist_ok=True)
    data = asdict(config)
    data.pop("state_dir")
    data.pop("root")  # always the checkout the code runs from
    path = _config_file(config.state_dir)
    path.touch(mode=0o600)
    path.write_text(json.dumps(data, indent=2) + "\n")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A port the kernel says is free now (for test stacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]
