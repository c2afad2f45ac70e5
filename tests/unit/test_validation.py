"""The request-body parsers, without a server."""

from decimal import Decimal

import pytest

from api import validation as v


@pytest.mark.parametrize("number", ["4111111111111111", "5500005555555559", "378282246310005"])
def test_luhn_valid_cards(number):
    assert v.card_number(number) == number


@pytest.mark.parametrize("number", ["4111111111111112", "41111", "4111-1111-1111-1111", 4111111111111111])
def test_invalid_cards(number):
    with pytest.raises(ValueError):
        v.card_number(number)


@pytest.mark.parametrize(("raw", "expected"), [(1, Decimal("1.00")), (-2.5, Decimal("-2.50")),
                                               (0.1 + 0.2, Decimal("0.30"))])
def test_amounts(raw, expected):
    assert v.amount(raw) == expected


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), True, "3", None, 1e11])
def test_bad_amounts(raw):
    with pytest.raises(ValueError):
        v.amount(raw)


def test_timestamps_need_an_offset():
    assert v.timestamp("2023-01-01T00:00:00Z").utcoffset().total_seconds() == 0
    with pytest.raises(ValueError, match="offset"):
        v.timestamp("2023-01-01T00:00:00")


@pytest.mark.parametrize("value", [0, -1, 2**31, True, "1", 1.0])
def test_identifier_bounds(value):
    with pytest.raises(ValueError):
        v.identifier(value)


def test_text_rules():
    assert v.text()("  ada ") == "ada"
    for bad in ("", "   ", 3, "a\x00b", "x" * 201):
        with pytest.raises(ValueError):
            v.text()(bad)
    assert v.optional_text()(None) is None
