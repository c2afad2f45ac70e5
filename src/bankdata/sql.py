"""Render the schema and the data set as one plain SQL script (for psql or psycopg2)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from importlib.resources import files

from bankdata.generate import TRANSACTION_COLUMNS, USER_COLUMNS, Dataset, generate

BATCH = 500


def schema_sql() -> str:
    return files("bankdata").joinpath("schema.sql").read_text()


def literal(value: object) -> str:
    """A SQL literal for the few value types the data set holds."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def _inserts(table: str, columns: tuple[str, ...], rows: list[dict]) -> list[str]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    statements = []
    for start in range(0, len(rows), BATCH):
        values = ",\n  ".join(
            "(" + ", ".join(literal(row[c]) for c in columns) + ")"
            for row in rows[start:start + BATCH]
        )
        statements.append(f"INSERT INTO {table} ({quoted}) VALUES\n  {values};")
    return statements


def data_sql(dataset: Dataset | None = None) -> str:
    """INSERT statements for every row, then move the identity sequences past them."""
    dataset = dataset or generate()
    parts = [
        *_inserts("users", USER_COLUMNS, dataset.users),
        *_inserts("transactions", TRANSACTION_COLUMNS, dataset.transactions),
        "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));",
        "SELECT setval(pg_get_serial_sequence('transactions', 'id'),"
        " (SELECT max(id) FROM transactions));",
    ]
    return "\n".join(parts) + "\n"


def full_script(dataset: Dataset | None = None) -> str:
    return schema_sql() + "\n" + data_sql(dataset)
