"""Reading users and transactions from the real API on the real database."""

from datetime import datetime

import pytest

pytestmark = pytest.mark.integration


def test_root_is_json_404(api):
    response = api.get("/")
    assert response.status_code == 404
    assert response.json() == {"error": "not found"}


def test_healthz(api):
    assert api.get("/healthz").json() == {"status": "ok"}


def test_list_users_returns_the_data_set(api, db):
    users = api.get("/users").json()
    with db.cursor() as cur:
        cur.execute("SELECT id, email, credit_card FROM users ORDER BY id")
        rows = cur.fetchall()
    assert [(u["id"], u["email"], u["credit_card"]) for u in users] == rows
    assert 20 <= len(users) <= 100
    assert set(users[0]) == {
        "id", "created_at", "credit_card", "currency", "email", "is_active", "country",
        "num_logins", "password_hash", "username",
    }


def test_fields_selects_columns(api):
    users = api.get("/users?fields=id,email").json()
    assert users and all(set(u) == {"id", "email"} for u in users)


def test_timestamps_are_iso_8601_with_offset(api):
    user = api.get("/users/1").json()
    transaction = api.get("/transactions/1").json()
    for value in (user["created_at"], transaction["timestamp"]):
        assert datetime.fromisoformat(value).utcoffset() is not None
        assert value.endswith("+00:00")


def test_transactions_list_matches_database(api, db):
    transactions = api.get("/transactions?fields=id,amount,user_id").json()
    with db.cursor() as cur:
        cur.execute("SELECT count(*), sum(amount) FROM transactions")
        count, total = cur.fetchone()
    assert len(transactions) == count
    assert 2000 <= count <= 10000
    assert round(sum(t["amount"] for t in transactions), 2) == pytest.approx(float(total))


@pytest.mark.parametrize("path", ["/users/abc", "/users/0", "/users/99999", "/users/-1",
                                  "/users/99999999999999999999", "/transactions/x",
                                  "/transactions/99999999"])
def test_unknown_or_malformed_ids_are_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"
    assert "error" in response.json()


@pytest.mark.parametrize("fields", [
    "nope", "id,nope", "", ",", "id;DROP TABLE users", "id) FROM users; --", "password",
    "users.id", "*",
])
def test_bad_fields_are_400_and_cannot_inject(api, db, fields):
    response = api.get("/users", params={"fields": fields})
    assert response.status_code == 400
    body = response.json()
    assert "error" in body and "id" in body["allowed"]
    with db.cursor() as cur:
        cur.execute("SELECT to_regclass('users') IS NOT NULL")
        assert cur.fetchone()[0]


def test_transactions_fields_validated_too(api):
    assert api.get("/transactions?fields=amount,secret").status_code == 400
    assert set(api.get("/transactions?fields=amount").json()[0]) == {"amount"}
