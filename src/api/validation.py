"""Parse and validate JSON request bodies and the `?fields=` query parameter.

Each resource declares its writable fields as {name: parser}; a parser returns
the clean value or raises ValueError with a message for the client. Anything
not declared (such as `id` or `created_at`) is rejected: no mass assignment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from flask import request
from werkzeug.exceptions import BadRequest

from api.errors import ApiError

Parser = Callable[[object], object]

MAX_ID = 2**31 - 1  # PostgreSQL integer
MAX_AMOUNT = Decimal("9999999999.99")  # numeric(12, 2)


def read_body(parsers: dict[str, Parser], required: set[str]) -> dict:
    """The request's JSON object, validated field by field."""
    if not request.is_json:
        raise ApiError(415, "send a JSON body with Content-Type: application/json")
    try:
        body = request.get_json()
    except BadRequest:
        raise ApiError(400, "malformed JSON in request body") from None
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    unknown = sorted(set(body) - set(parsers))
    if unknown:
        raise ApiError(400, f"unknown field(s): {', '.join(unknown)}", allowed=sorted(parsers))
    missing = sorted(required - set(body))
    if missing:
        raise ApiError(400, f"missing field(s): {', '.join(missing)}")
    if not body:
        raise ApiError(400, "request body names no field to change", allowed=sorted(parsers))
    clean = {}
    for name, value in body.items():
        try:
            clean[name] = parsers[name](value)
        except ValueError as error:
            raise ApiError(400, f"invalid {name}: {error}") from None
    return clean


def read_fields(allowed: list[str]) -> list[str] | None:
    """The column names asked for with `?fields=a,b`, checked against `allowed`."""
    raw = request.args.get("fields")
    if raw is None:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if not names:
        raise ApiError(400, "fields must name at least one column", allowed=allowed)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ApiError(400, f"unknown field(s) in fields: {', '.join(unknown)}", allowed=allowed)
    return list(dict.fromkeys(names))


# --- parsers -----------------------------------------------------------------

def text(max_length: int = 200) -> Parser:
    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("expected a non-empty string")
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value.strip()
    return parse


def optional_text(max_length: int = 200) -> Parser:
    required = text(max_length)
    return lambda value: None if value is None else required(value)


def code(pattern: str, description: str) -> Parser:
    regex = re.compile(pattern)

    def parse(value: object) -> str:
        if not isinstance(value, str) or not regex.fullmatch(value):
            raise ValueError(f"expected {description}")
        return value
    return parse


currency = code(r"[A-Z]{3}", "a 3-letter ISO 4217 code such as USD")
country = code(r"[A-Z]{2,3}", "an ISO 3166 country code such as US")


def email(value: object) -> str:
    address = text(254)(value)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
        raise ValueError("expected an e-mail address")
    return address


def card_number(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{12,19}", value):
        raise ValueError("expected 12 to 19 digits as a string")
    digits = [int(d) for d in reversed(value)]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits))
    if total % 10:
        raise ValueError("fails the Luhn check")
    return value


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise ValueError(f"expected an integer from 0 to {MAX_ID}")
    return value


def identifier(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValueError("expected a positive integer id")
    return value


def amount(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number")
    if not math.isfinite(value):
        raise ValueError("expected a finite number")
    result = Decimal(str(value)).quantize(Decimal("0.01"))
    if abs(result) > MAX_AMOUNT:
        raise ValueError(f"must be between -{MAX_AMOUNT} and {MAX_AMOUNT}")
    return result


def timestamp(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("expected an ISO 8601 string with offset")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("expected an ISO 8601 string such as 2023-05-01T12:00:00+00:00") from None
    if parsed.tzinfo is None:
        raise ValueError("needs a UTC offset, e.g. +00:00 or Z")
    return parsed


def password(value: object) -> str:
    return text(128)(value)
