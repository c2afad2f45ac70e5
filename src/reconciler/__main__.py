"""`python -m reconciler`: one reconciliation run against $APP_API_URL."""

from __future__ import annotations

import os
import sys

from reconciler.reconcile import ReconcileError, reconcile


def main() -> int:
    base_url = os.environ.get("APP_API_URL")
    if not base_url:
        print("reconciler: APP_API_URL is not set", file=sys.stderr)
        return 2
    try:
        report = reconcile(base_url)
    except ReconcileError as error:
        print(f"reconciler: FAILED: {error}", file=sys.stderr)
        return 1
    print(f"found {len(report.users)} known users")
    print(f"reconciled {report.accounts} accounts")
    for currency, total in sorted(report.per_currency.items()):
        print(f"total {currency} {total:.2f}")
    if report.unknown_users:
        ids = ", ".join(str(i) for i in sorted(report.unknown_users))
        print(f"warning: transactions for unknown users: {ids}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
