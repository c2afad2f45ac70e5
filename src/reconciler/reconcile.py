"""Fetch users and transactions from the API and total them per user and currency."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import requests

TIMEOUT = (5, 30)  # connect, read (seconds)


class ReconcileError(Exception):
    """The API could not be used; the message is one line for the log."""


@dataclass
class Report:
    users: set[int]
    per_user: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    per_currency: dict[str, Decimal] = field(default_factory=dict)
    unknown_users: set[int] = field(default_factory=set)

    @property
    def accounts(self) -> int:
        """Users with at least one transaction."""
        return len({user_id for user_id, _ in self.per_user})


def fetch(session: requests.Session, base_url: str, path: str) -> list[dict]:
    url = base_url.rstrip("/") + path
    try:
        response = session.get(url, timeout=TIMEOUT)
    except requests.RequestException as error:
        raise ReconcileError(f"cannot reach the API at {url}: {type(error).__name__}") from None
    if not response.ok:
        raise ReconcileError(f"GET {path} answered {response.status_code} {response.reason}")
    try:
        return response.json(parse_float=Decimal)
    except ValueError:
        raise ReconcileError(f"GET {path} did not answer JSON") from None


def reconcile(base_url: str, session: requests.Session | None = None) -> Report:
    session = session or requests.Session()
    users = {user["id"] for user in fetch(session, base_url, "/users?fields=id")}
    per_user: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    report = Report(users=users)
    for transaction in fetch(session, base_url, "/transactions"):
        amount = Decimal(transaction["amount"])
        if transaction["user_id"] not in users:
            report.unknown_users.add(transaction["user_id"])
        per_user[transaction["user_id"], transaction["currency"]] += amount
        per_currency[transaction["currency"]] += amount
    report.per_user, report.per_currency = dict(per_user), dict(per_currency)
    return report
