"""Creating, updating and deleting through the real API, and every kind of bad input."""

import pytest

pytestmark = pytest.mark.integration

NEW_USER = {
    "username": "ada", "email": "ada@example.com", "credit_card": "4111111111111111",
    "currency": "GBP", "country": "GB", "password": "correct horse",
}


def new_user(api, **changes):
    response = api.post("/users", json={**NEW_USER, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_user_lifecycle(api, db):
    user = new_user(api)
    assert user["username"] == "ada" and user["is_active"] is True and user["num_logins"] == 0
    assert len(user["password_hash"]) == 32
    assert api.get(f"/users/{user['id']}").json() == user

    updated = api.put(f"/users/{user['id']}", json={"email": "ada@lovelace.org"})
    assert updated.status_code == 200
    assert updated.json()["email"] == "ada@lovelace.org"
    with db.cursor() as cur:
        cur.execute("SELECT email FROM users WHERE id = %s", (user["id"],))
        assert cur.fetchone()[0] == "ada@lovelace.org"

    assert api.delete(f"/users/{user['id']}").status_code == 204
    assert api.get(f"/users/{user['id']}").status_code == 404


def test_create_user_location_header(api):
    response = api.post("/users", json={**NEW_USER, "username": "loc"})
    assert response.headers["Location"].endswith(f"/users/{response.json()['id']}")


def test_transaction_lifecycle(api):
    user = new_user(api, username="tx-owner")
    created = api.post("/transactions", json={
        "amount": 12.5, "currency": "GBP", "user_id": user["id"], "description": "tea",
        "timestamp": "2023-06-01T10:00:00Z",
    })
    assert created.status_code == 201, created.text
    transaction = created.json()
    assert transaction["amount"] == 12.5
    assert transaction["timestamp"] == "2023-06-01T10:00:00+00:00"

    conflict = api.delete(f"/users/{user['id']}")
    assert conflict.status_code == 409
    assert "transaction" in conflict.json()["error"]

    changed = api.put(f"/transactions/{transaction['id']}", json={"amount": -3})
    assert changed.status_code == 200 and changed.json()["amount"] == -3.0
    assert api.delete(f"/transactions/{transaction['id']}").status_code == 204
    assert api.delete(f"/users/{user['id']}").status_code == 204


def test_transaction_for_missing_user_is_422(api):
    response = api.post("/transactions", json={"amount": 1, "currency": "USD", "user_id": 999999})
    assert response.status_code == 422
    assert "999999" in response.json()["error"]


BAD_USER_BODIES = [
    ({"id": 7}, "unknown field"),
    ({"created_at": "2020-01-01T00:00:00Z"}, "unknown field"),
    ({"password_hash": "00"}, "unknown field"),
    ({"username": 5}, "invalid username"),
    ({"username": ""}, "invalid username"),
    ({"email": "not-an-email"}, "invalid email"),
    ({"credit_card": "4111111111111112"}, "Luhn"),
    ({"credit_card": 4111111111111111}, "invalid credit_card"),
    ({"currency": "usd"}, "invalid currency"),
    ({"country": "United Kingdom"}, "invalid country"),
    ({"is_active": "yes"}, "invalid is_active"),
    ({"num_logins": -1}, "invalid num_logins"),
    ({"num_logins": True}, "invalid num_logins"),
    ({"username": "a\u0000b"}, "NUL"),
]


@pytest.mark.parametrize(("change", "message"), BAD_USER_BODIES)
def test_bad_user_bodies_are_400(api, change, message):
    response = api.post("/users", json={**NEW_USER, **change})
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


def test_missing_fields_are_named(api):
    response = api.post("/users", json={"username": "x"})
    assert response.status_code == 400
    assert "missing field(s): country, credit_card, currency, email" in response.json()["error"]


@pytest.mark.parametrize(("body", "message"), [
    ({"amount": "10", "currency": "USD", "user_id": 1}, "invalid amount"),
    ({"amount": True, "currency": "USD", "user_id": 1}, "invalid amount"),
    ({"amount": 1e12, "currency": "USD", "user_id": 1}, "invalid amount"),
    ({"amount": 1, "currency": "USD", "user_id": "1"}, "invalid user_id"),
    ({"amount": 1, "currency": "USD", "user_id": 2**40}, "invalid user_id"),
    ({"amount": 1, "currency": "USD", "user_id": 1, "timestamp": "yesterday"}, "timestamp"),
    ({"amount": 1, "currency": "USD", "user_id": 1, "timestamp": "2023-01-01T00:00:00"}, "offset"),
    ({"amount": 1, "currency": "USD", "user_id": 1, "id": 1}, "unknown field"),
])
def test_bad_transaction_bodies_are_400(api, body, message):
    response = api.post("/transactions", json=body)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


def test_non_finite_amount_is_400(api):
    response = api.post("/transactions", data='{"amount": NaN, "currency": "USD", "user_id": 1}',
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "finite" in response.json()["error"]


@pytest.mark.parametrize(("data", "headers", "status", "message"), [
    ('{"username": ', {"Content-Type": "application/json"}, 400, "malformed JSON"),
    ("[1, 2]", {"Content-Type": "application/json"}, 400, "JSON object"),
    ("null", {"Content-Type": "application/json"}, 400, "JSON object"),
    ("username=x", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "Content-Type"),
])
def test_malformed_bodies(api, data, headers, status, message):
    response = api.post("/users", data=data, headers=headers)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_empty_update_is_400(api):
    response = api.put("/users/1", json={})
    assert response.status_code == 400
    assert "no field" in response.json()["error"]


def test_update_unknown_user_is_404(api):
    assert api.put("/users/999999", json={"email": "a@b.co"}).status_code == 404


def test_oversized_body_is_413(api):
    response = api.post("/users", data="x" * (70 * 1024), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"error": "request entity too large"}


def test_wrong_method_is_json_405(api):
    response = api.request("PATCH", "/users/1")
    assert response.status_code == 405
    assert response.json() == {"error": "method not allowed"}


def test_no_html_or_traceback_anywhere(api):
    probes = [api.get("/users/%00"), api.post("/users/1"), api.get("/static/x"),
              api.post("/transactions", data="\xff\xfe", headers={"Content-Type": "application/json"})]
    for response in probes:
        assert response.status_code < 500, response.text
        assert response.headers["Content-Type"] == "application/json"
        assert "Traceback" not in response.text
