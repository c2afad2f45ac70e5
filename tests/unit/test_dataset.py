"""The synthetic data set: deterministic, realistic and within the documented ranges."""

import hashlib
import re
import subprocess
import sys
from collections import Counter
from importlib.resources import files

from bankdata import generate
from bankdata.sql import data_sql, literal
from stack.config import ROOT

DATASET = generate()


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else sum(divmod(2 * d, 10)) for i, d in enumerate(digits)) % 10 == 0


def test_same_seed_same_rows_across_processes():
    """A fresh interpreter (new hash seed) yields the digest recorded in the repo."""
    digests = {
        subprocess.run([sys.executable, "-m", "bankdata", "digest"], env={
            "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": seed,
        }, capture_output=True, text=True, check=True).stdout.strip()
        for seed in ("1", "2")
    }
    recorded = files("bankdata").joinpath("dataset.sha256").read_text().strip()
    assert digests == {recorded}
    assert DATASET.digest() == recorded


def test_another_seed_gives_other_rows():
    assert generate(seed=1).digest() != DATASET.digest()


def test_sizes_are_in_range():
    assert 20 <= len(DATASET.users) <= 100
    assert 2000 <= len(DATASET.transactions) <= 10000
    assert [u["id"] for u in DATASET.users] == list(range(1, len(DATASET.users) + 1))


def test_users_look_real():
    free_mail = {"gmail.com", "yahoo.com", "hotmail.com"}
    for user in DATASET.users:
        assert luhn_ok(user["credit_card"]), user["credit_card"]
        assert user["email"].split("@")[1] in free_mail
        assert re.fullmatch(r"[A-Z]{2}", user["country"])
        assert re.fullmatch(r"[0-9a-f]{32}", user["password_hash"])
        assert user["created_at"].tzinfo is not None
    assert len({u["username"] for u in DATASET.users}) == len(DATASET.users)


def test_currency_mix_is_mostly_usd():
    counts = Counter(u["currency"] for u in DATASET.users)
    assert set(counts) == {"USD", "GBP", "EUR"}
    assert 0.65 <= counts["USD"] / len(DATASET.users) <= 0.9


def test_transactions_reference_users_and_follow_signup():
    created = {u["id"]: u["created_at"] for u in DATASET.users}
    for transaction in DATASET.transactions:
        assert transaction["timestamp"] >= created[transaction["user_id"]]
        assert transaction["amount"].as_tuple().exponent == -2


def test_sql_literals_escape_quotes():
    assert literal("O'Brien") == "'O''Brien'"
    assert literal(None) == "NULL" and literal(True) == "TRUE"


def test_sql_script_is_stable():
    first = hashlib.sha256(data_sql(DATASET).encode()).hexdigest()
    assert first == hashlib.sha256(data_sql(generate()).encode()).hexdigest()
