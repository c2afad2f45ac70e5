"""The check registry: stages, checks, results, and the wrapper that never lets a traceback out."""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable
from dataclasses import dataclass, field

# The workshop's stages in order, with their OWASP Top 10 (2021) titles.
STAGES: dict[str, str] = {
    "a01": "Broken Access Control",
    "a02": "Cryptographic Failures",
    "a04": "Insecure Design",
    "a05": "Security Misconfiguration",
    "a09": "Security Logging and Monitoring Failures",
}
TARGETS = ("local", "k3d")


class Status(enum.StrEnum):
    PASS = "PASS"  # noqa: S105 - a status, not a password
    FAIL = "FAIL"
    SKIPPED = "SKIPPED"


class CheckFailed(Exception):
    """Raised inside a check: the message is the FAIL's one-line detail."""

    def __init__(self, detail: str, hint: str | None = None) -> None:
        super().__init__(detail)
        self.detail, self.hint = detail, hint


class CheckSkipped(Exception):
    """Raised inside a check that cannot run on this target; the message is the reason."""


@dataclass(frozen=True)
class Outcome:
    """What a check function returns when it passes (or explicitly fails)."""

    status: Status
    detail: str
    hint: str | None = None  # overrides the check's hint (names what exactly is missing)


def passed(detail: str) -> Outcome:
    return Outcome(Status.PASS, detail)


def failed(detail: str, hint: str | None = None) -> Outcome:
    return Outcome(Status.FAIL, detail, hint)


@dataclass(frozen=True)
class Check:
    id: str  # stable, e.g. "A01-04"
    description: str  # one line
    hint: str  # names the README step that fixes it
    run: Callable[..., Outcome]  # run(context) -> Outcome, may raise CheckFailed/CheckSkipped
    targets: frozenset[str] = frozenset(TARGETS)


@dataclass(frozen=True)
class Result:
    id: str
    description: str
    status: Status
    detail: str
    hint: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "description": self.description, "status": str(self.status),
                "detail": self.detail, "hint": self.hint if self.status is Status.FAIL else ""}


@dataclass
class Registry:
    """Checks per stage, in the order they run."""

    checks: dict[str, list[Check]] = field(default_factory=lambda: {s: [] for s in STAGES})

    def add(self, stage: str, check: Check) -> None:
        known = {c.id for c in self.checks[stage]}
        if check.id in known:
            raise ValueError(f"duplicate check id {check.id}")
        self.checks[stage].append(check)

    def check(self, stage: str, id: str, description: str, hint: str,
              targets: tuple[str, ...] = TARGETS) -> Callable[[Callable], Callable]:
        """Decorator: register `function(context) -> Outcome` as a check of `stage`."""
        def register(function: Callable[..., Outcome]) -> Callable[..., Outcome]:
            self.add(stage, Check(id, description, hint, function, frozenset(targets)))
            return function
        return register

    def for_stage(self, stage: str) -> list[Check]:
        return list(self.checks.get(stage, []))


REGISTRY = Registry()


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace; cut long text with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def run_check(check: Check, context: object, target: str) -> Result:
    """Run one check; any exception becomes a FAIL with a one-line detail, never a traceback."""
    def result(status: Status, detail: str, hint: str | None = None) -> Result:
        return Result(check.id, check.description, status, one_line(detail), hint or check.hint)

    if target not in check.targets:
        return result(Status.SKIPPED, f"cannot run on target {target}")
    try:
        outcome = check.run(context)
    except CheckFailed as error:
        return result(Status.FAIL, error.detail, error.hint)
    except CheckSkipped as reason:
        return result(Status.SKIPPED, str(reason))
    except Exception as error:  # noqa: BLE001 - the point: no traceback reaches the user
        return result(Status.FAIL, f"the check itself failed ({type(error).__name__}: {error}); "
                                   "re-run it, and report it to the trainer if it repeats")
    if not isinstance(outcome, Outcome):
        return result(Status.FAIL, f"the check returned {outcome!r} instead of a result")
    return result(outcome.status, outcome.detail, outcome.hint)


def run_stage(checks: list[Check], context: object, target: str) -> list[Result]:
    """Run `checks` in order; after each, `context.cleanup()` (if any) removes scratch rows."""
    results = []
    for check in checks:
        results.append(run_check(check, context, target))
        cleanup = getattr(context, "cleanup", None)
        if cleanup is not None:
            with contextlib.suppress(Exception):  # the context records what it left behind
                cleanup()
    return results
