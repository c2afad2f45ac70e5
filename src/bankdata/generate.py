"""Deterministic synthetic bank data.

The same seed always yields the same rows: every random choice comes from one
seeded Faker instance, and timestamps are drawn from a fixed window, never from
the clock. Faker is pinned exactly in pyproject.toml because its providers
change output between releases; `dataset.sha256` records the expected digest.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from faker import Faker

SEED = 20231015
NUM_USERS = 50
TRANSACTIONS_PER_USER = (20, 180)
WINDOW_START = datetime(2023, 1, 1, tzinfo=UTC)
WINDOW_END = datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC)
CURRENCIES = (("USD", 80), ("GBP", 10), ("EUR", 10))

USER_COLUMNS = (
    "id", "created_at", "credit_card", "currency", "email", "is_active",
    "country", "num_logins", "password_hash", "username",
)
TRANSACTION_COLUMNS = ("id", "amount", "currency", "description", "timestamp", "user_id")

@dataclass(frozen=True)
class Dataset:
    users: list[dict]
    transactions: list[dict]

    def digest(self) -> str:
        """SHA-256 over a canonical JSON rendering of every row."""
        payload = json.dumps(
            {"users": self.users, "transactions": self.transactions},
            default=str, sort_keys=True, separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode()).hexdigest()

def _timestamp(fake: Faker, start: datetime, end: datetime) -> datetime:
    seconds = fake.random_int(0, int((end - start).total_seconds()))
    return start + timedelta(seconds=seconds)

def generate(seed: int = SEED) -> Dataset:
    """Build the data set for `seed`; ids are assigned 1..N in order."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    weighted = OrderedDict((code, weight / 100) for code, weight in CURRENCIES)

    users: list[dict] = []
    usernames: set[str] = set()
    for user_id in range(1, NUM_USERS + 1):
        username = fake.user_name()
        while username in usernames:
            username = f"{username}{fake.random_digit()}"
        usernames.add(username)
        users.append({
            "id": user_id,
            "created_at": _timestamp(fake, WINDOW_START, WINDOW_START + timedelta(days=90)),
            "credit_card": fake.credit_card_number(),
            "currency": fake.random_element(elements=weighted),
            "email": fake.free_email(),
            "is_active": fake.boolean(chance_of_getting_true=90),
            "country": fake.country_code(),
            "num_logins": fake.random_int(0, 500),
            # Deliberately weak: unsalted MD5 (the A02 exercise replaces it).
            "password_hash": hashlib.md5(fake.password().encode()).hexdigest(),  # noqa: S324
            "username": username,
        })

    transactions: list[dict] = []
    for user in users:
        for _ in range(fake.random_int(*TRANSACTIONS_PER_USER)):
            cents = fake.random_int(-50_000, 250_000)
            currency = (
                user["currency"] if fake.boolean(chance_of_getting_true=90)
                else fake.random_element(elements=weighted)
            )
            transactions.append({
                "amount": Decimal(cents).scaleb(-2),
                "currency": currency,
                "description": fake.bs().capitalize(),
                "timestamp": _timestamp(fake, user["created_at"], WINDOW_END),
                "user_id": user["id"],
            })
    transactions.sort(key=lambda t: (t["timestamp"], t["user_id"]))
    for number, transaction in enumerate(transactions, start=1):
        transaction["id"] = number
    transactions = [{col: t[col] for col in TRANSACTION_COLUMNS} for t in transactions]
    return Dataset(users=users, transactions=transactions)
