"""`python -m stack COMMAND`: the local target behind `make up`, `make down`, …"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stack import config as stack_config
from stack import doctor, local
from stack.postgres import StackError, tail


def cmd_up(config: stack_config.StackConfig) -> int:
    already = local.status(config)
    if all(ok for ok, _ in already.values()):
        print("The stack is already running (nothing to do):")
        return cmd_status(config)
    try:
        local.up(config)
    except StackError as error:
        raise StackError(f"{error}\n(`make down` stops whatever did start)") from None
    print()
    cmd_status(config)
    print(f"\nTry it:  curl -i {config.api_url}/users/1\n"
          "Stop it: make down      Logs: make logs      Run the reconciler now: make reconcile")
    return 0


def cmd_status(config: stack_config.StackConfig) -> int:
    report = local.status(config)
    for name, (ok, line) in report.items():
        print(f"  {'✔' if ok else '✘'} {name:<11}{line}")
    return 0 if all(ok for ok, _ in report.values()) else 1


def cmd_down(config: stack_config.StackConfig) -> int:
    local.down(config)
    print("the local stack is stopped")
    return 0


def cmd_logs(config: stack_config.StackConfig) -> int:
    logs = list(local.service_logs(config).values())
    for log in logs:
        print(f"==> {log} <==\n{tail(log, 25)}\n")
    print(f"Follow them live: tail -F {' '.join(str(log) for log in logs)}")
    return 0


def cmd_reconcile(config: stack_config.StackConfig) -> int:
    result = local.reconcile_once(config)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


def cmd_restart(config: stack_config.StackConfig) -> int:
    local.restart_app(config)
    cmd_status(config)  # informative: a failing reconciler run is not a failed restart
    return 0


def cmd_destroy(config: stack_config.StackConfig) -> int:
    local.destroy(config, keep=("backups", "progress.json"))
    print(f"stopped everything and deleted {config.state_dir} (data, logs, generated secrets);"
          " your backups/ and progress.json are kept")
    return 0


def cmd_reset_db(config: stack_config.StackConfig) -> int:
    local.reset_db(config)
    return 0


def cmd_secret(config: stack_config.StackConfig, name: str) -> int:
    """Print one generated secret (for curl examples in the exercises)."""
    if name not in config.secrets:
        print(f"error: no secret {name!r}; known: {', '.join(sorted(config.secrets))}",
              file=sys.stderr)
        return 1
    print(config.secrets[name])
    return 0


COMMANDS = {
    "up": cmd_up, "down": cmd_down, "status": cmd_status, "logs": cmd_logs,
    "reconcile": cmd_reconcile, "reset-db": cmd_reset_db, "restart": cmd_restart,
    "destroy": cmd_destroy,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m stack", description=__doc__)
    parser.add_argument("command", choices=[*COMMANDS, "doctor", "secret"])
    parser.add_argument("name", nargs="?", help="for secret: which one, e.g. APP_ROOT_CREDENTIAL")
    parser.add_argument("--state-dir", type=Path, default=stack_config.DEFAULT_STATE_DIR)
    parser.add_argument("--target", choices=["local", "k3d"], default="local",
                        help="for doctor: which target's prerequisites to check")
    args = parser.parse_args(argv)
    try:
        if args.command == "doctor":
            return doctor.run(args.target)
        if args.command == "secret":
            return cmd_secret(stack_config.load(args.state_dir), args.name or "")
        return COMMANDS[args.command](stack_config.load(args.state_dir))
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
