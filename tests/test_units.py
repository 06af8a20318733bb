"""Pure helpers: amount parsing and the password policy."""

from decimal import Decimal

import pytest

from utils.money import AmountError, format_money, parse_amount
from utils.passwords import password_problems

CAP = Decimal("1000000.00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10", "10.00"),
        (10, "10.00"),
        (0.1, "0.10"),
        ("0.01", "0.01"),
        ("1000000", "1000000.00"),
        ("100.100", "100.10"),
        (Decimal("5.5"), "5.50"),
    ],
)
def test_parse_amount_accepts(raw, expected):
    assert parse_amount(raw, CAP) == Decimal(expected)
    assert parse_amount(raw, CAP).as_tuple().exponent == -2


@pytest.mark.parametrize("raw", ["0", "-1", "0.001", "nan", "inf", "x", None, True, "1000000.01"])
def test_parse_amount_refuses(raw):
    with pytest.raises(AmountError):
        parse_amount(raw, CAP)


def test_format_money():
    assert format_money(Decimal("1234567.891")) == "1,234,567.89"
    assert format_money(None) == ""


def test_password_policy():
    assert password_problems("correct-horse-42", "alice") == []
    assert password_problems("alice-secret-99", "alice") == [
        "Password must not contain the username."
    ]
    assert len(password_problems("x" * 129 + "1")) == 1
