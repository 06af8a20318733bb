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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (42, 42),
        ("\u00b2", None),  # superscript two: isdigit() yes, int() no
        ("\uff11\uff12", None),  # full-width digits
        ("1_0", None),
        (" 4", None),
        ("0", None),  # below the low bound of 1
        ("101", None),  # above the high bound of 100
        ("9" * 20, None),  # more digits than any id has
        (True, None),
        (4.0, None),
        (None, None),
    ],
)
def test_whole_numbers_are_plain_ascii_digits_within_bounds(raw, expected):
    from utils.parsing import whole_number

    assert whole_number(raw, 1, 100) == expected
