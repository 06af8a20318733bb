"""One formatting for every kind of figure: money, prices, percentages, shares, volumes, times."""

from datetime import datetime
from decimal import Decimal

import pytest

from utils import formatting as f
from utils.order_labels import kind_label, price_label, status_label
from utils.pnl import day_change
from utils.sparkline import points

D = Decimal


@pytest.mark.parametrize(
    ("value", "signed", "text"),
    [
        (D("1234.5"), False, "$1,234.50"),
        (D("0"), False, "$0.00"),
        (D("-1"), False, "-$1.00"),
        (D("1"), True, "+$1.00"),
        (D("0.005"), False, "$0.01"),  # half up, never banker's rounding
        (D("1234567.891"), False, "$1,234,567.89"),
        (None, False, ""),
    ],
)
def test_money_is_dollars_and_cents_with_separators(value, signed, text):
    assert f.money(value, signed) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("150.0000"), "$150.00"),
        (D("150.1000"), "$150.10"),
        (D("150.1230"), "$150.123"),
        (D("1500.1234"), "$1,500.1234"),
        (D("0.00005"), "$0.0001"),
        (D("100"), "$100.00"),
    ],
)
def test_prices_show_cents_unless_the_tick_is_finer(value, text):
    assert f.price(value) == text


def test_signed_price_changes():
    assert f.price(D("-1.5"), signed=True) == "-$1.50"
    assert f.price(D("2.25"), signed=True) == "+$2.25"


def test_percent_signed_by_default():
    assert f.percent(D("1.234")) == "+1.23%"
    assert f.percent(D("-0.5")) == "-0.50%"
    assert f.percent(D("0")) == "0.00%"
    assert f.percent(D("12.5"), signed=False) == "12.50%"


def test_share_counts_agree_with_their_noun():
    assert f.shares(1) == "1 share"
    assert f.shares(2) == "2 shares"
    assert f.shares(0) == "0 shares"
    assert f.shares(1500) == "1,500 shares"


def test_volume_numbers_have_separators():
    assert f.number(12345678) == "12,345,678"
    assert f.number(None) == ""


def test_times_are_shown_in_the_zone_with_the_zone_named():
    winter = datetime(2026, 1, 15, 14, 30)
    summer = datetime(2026, 7, 15, 14, 30)
    assert f.when(winter, "America/New_York") == "2026-01-15 09:30 EST"
    assert f.when(summer, "America/New_York") == "2026-07-15 10:30 EDT"
    assert f.when(winter, "Asia/Kolkata") == "2026-01-15 20:00 IST"
    assert f.when(winter, None) == "2026-01-15 14:30 UTC"
    assert f.when(winter, "Not/AZone") == "2026-01-15 14:30 UTC"
    assert f.when(winter, "UTC", seconds=True) == "2026-01-15 14:30:00 UTC"


def test_json_times_are_iso_8601_with_z():
    assert f.iso(datetime(2026, 3, 2, 14, 30, 5, 999)) == "2026-03-02T14:30:05Z"
    assert f.iso(None) is None


def test_zone_names_are_checked():
    assert f.is_zone("Europe/Paris")
    assert f.is_zone("UTC")
    assert not f.is_zone("Europe/Atlantis")
    assert not f.is_zone("")


def test_order_labels_read_like_words():
    assert kind_label("trailing_stop", "day") == "Trailing stop · DAY"
    assert kind_label("stop_limit", "gtc") == "Stop limit · GTC"
    assert kind_label("market", "day") == "Market"
    assert price_label(trail_percent=D("3.0000")) == "trail 3%"
    assert price_label(stop=D("95"), limit=D("94.5")) == "stop $95.00, limit $94.50"
    assert price_label(limit=D("150.1234")) == "$150.1234"
    assert price_label() == "at market"
    assert status_label("partially_filled") == "Partly filled"


def test_day_change_of_old_shares_runs_from_the_previous_close():
    assert day_change(10, D("110"), D("100")) == D("100.00")


def test_day_change_of_shares_bought_today_runs_from_their_purchase_price():
    # 10 held since yesterday (close 100) and 5 bought today at 104: now 106
    assert day_change(15, D("106"), D("100"), 5, D("520")) == D("70.00")
    # all bought today at 150 while yesterday's close was 100: a $10 rise is $100, not $600
    assert day_change(10, D("160"), D("100"), 10, D("1500")) == D("100.00")


def test_day_change_after_a_sale_today_keeps_todays_shares_last():
    # bought 5 today at 104, sold 12 of 15: the 3 left are today's
    assert day_change(3, D("106"), D("100"), 5, D("520")) == D("6.00")


def test_day_change_without_a_previous_close_is_unknown_for_old_shares():
    assert day_change(10, D("110"), None) is None
    assert day_change(4, D("110"), None, 4, D("400")) == D("40.00")


def test_sparkline_scales_into_its_box():
    line = points([1, 2, 3], width=100, height=28)
    assert line == "0.0,27.0 50.0,14.0 100.0,1.0"
    assert points([5]) == ""
    assert points([2, 2]) == "0.0,27.0 100.0,27.0"
