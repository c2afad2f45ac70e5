"""The reconciler against the real API: its totals equal the same aggregates in SQL."""

import subprocess
import sys
from decimal import Decimal

import pytest

from reconciler.reconcile import reconcile
from stack import local

pytestmark = pytest.mark.integration


def test_totals_match_sql(stack, api, db):
    report = reconcile(stack.api_url, api.session)
    with db.cursor() as cur:
        cur.execute("SELECT user_id, currency, sum(amount) FROM transactions GROUP BY 1, 2")
        per_user = {(user, currency): total for user, currency, total in cur.fetchall()}
        cur.execute("SELECT currency, sum(amount) FROM transactions GROUP BY 1")
        per_currency = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM users")
        (users,) = cur.fetchone()
        cur.execute("SELECT count(DISTINCT user_id) FROM transactions")
        (accounts,) = cur.fetchone()
    assert report.per_user == per_user
    assert report.per_currency == per_currency
    assert all(isinstance(total, Decimal) for total in report.per_currency.values())
    assert len(report.users) == users
    assert report.accounts == accounts
    assert not report.unknown_users


def test_command_prints_counts_and_totals(stack, db):
    result = local.reconcile_once(stack)
    assert result.returncode == 0, result.stderr
    with db.cursor() as cur:
        cur.execute("SELECT count(*), (SELECT count(DISTINCT user_id) FROM transactions) FROM users")
        users, accounts = cur.fetchone()
        cur.execute("SELECT currency, sum(amount) FROM transactions GROUP BY 1 ORDER BY 1")
        totals = cur.fetchall()
    lines = result.stdout.splitlines()
    assert lines[0] == f"found {users} known users"
    assert lines[1] == f"reconciled {accounts} accounts"
    assert lines[2:] == [f"total {currency} {total:.2f}" for currency, total in totals]


def test_scheduler_recorded_a_successful_first_run(stack):
    run = local.last_run(stack)
    assert run is not None and run["exit_code"] == 0
    assert run["output"][0].startswith("found ")


@pytest.mark.parametrize(("url", "expected"), [
    ("http://127.0.0.1:9/", "cannot reach the API"),
    (None, "answered 404"),
])
def test_failures_are_one_line_without_traceback(stack, url, expected):
    env = {**local.process_env(stack, local.RECONCILER), "APP_API_URL": url or stack.api_url + "/nowhere"}
    result = subprocess.run([sys.executable, "-m", "reconciler"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_url_is_a_clear_error(stack):
    env = {k: v for k, v in local.process_env(stack, local.RECONCILER).items() if k != "APP_API_URL"}
    result = subprocess.run([sys.executable, "-m", "reconciler"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "reconciler: APP_API_URL is not set"
