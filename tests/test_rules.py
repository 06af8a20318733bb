"""Automatic trading rules on a scripted price path: buys below the band, sells above,
cooldown, each limit, paused rules, reserved cash, no double trade."""

import threading
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from extensions import db
from models import AutoRule, Notification, Order, Portfolio, RuleDecision, User
from services import orders, universe
from services.errors import ServiceError
from services.orders import OrderSpec
from services.rules import store, trade
from tasks.tick import TickState, run_tick
from utils import clock
from utils.streams.signals import Signal, read

T0 = datetime(2026, 3, 2, 14, 30, 0)
RULE = {
    "ticker": "AAPL",
    "window_seconds": 5,
    "buy_below_pct": "1",
    "sell_above_pct": "1",
    "quantity": 10,
    "max_trades_per_day": 10,
    "cooldown_seconds": 1,
}


@pytest.fixture
def path(app, market, frozen_time):
    """Play prices one second apart through real worker ticks; returns the tick results."""
    state = TickState()
    clock = {"t": T0}

    def play(*prices):
        results = []
        for price in prices:
            clock["t"] += timedelta(seconds=1)
            frozen_time(clock["t"])
            market.set("AAPL", price)
            with app.app_context():
                results.append(run_tick(state))
                db.session.remove()
        return results

    return play


def _rule(app, user_id, **changes):
    with app.app_context():
        rule_id = store.create(db.session.get(User, user_id), {**RULE, **changes}).rule_id
        db.session.remove()
        return rule_id


def _decisions(app, rule_id):
    with app.app_context():
        stmt = select(RuleDecision).where(RuleDecision.rule_id == rule_id)
        rows = db.session.scalars(stmt.order_by(RuleDecision.decision_id)).all()
        db.session.remove()
        return [(d.side, d.outcome, d.reason) for d in rows]


def _shares(app, user_id):
    with app.app_context():
        held = db.session.scalar(select(Portfolio.quantity).where(Portfolio.user_id == user_id))
        db.session.remove()
        return held or 0


def test_buys_below_the_band_and_sells_above_it_through_the_order_path(app, trader, path):
    rule_id = _rule(app, trader)
    path("100", "100", "100")
    assert _decisions(app, rule_id) == []  # inside the band: no decision
    path("98")  # 2 % below the 5 s average
    assert _shares(app, trader) == 10
    path("98")  # the average (99.0) still holds the 100s: 1.01 % below, a second buy
    assert _shares(app, trader) == 20
    path("98", "98", "98", "101")  # the average is now ~98.6: 101 is 2.4 % above it
    assert _shares(app, trader) == 10
    decisions = _decisions(app, rule_id)
    assert [(s, o) for s, o, _ in decisions] == [
        ("buy", "traded"),
        ("buy", "traded"),
        ("sell", "traded"),
    ]
    with app.app_context():
        placed = db.session.scalars(select(Order).where(Order.user_id == trader)).all()
        assert {(o.source, o.order_type, o.order_status) for o in placed} == {
            ("auto", "buy", "filled"),
            ("auto", "sell", "filled"),
        }
        logged = db.session.scalars(select(RuleDecision)).all()
        assert logged[0].price == Decimal("98.0000") and logged[0].average == Decimal("99.5000")
        assert logged[0].deviation_pct < Decimal("-1")
        notes = db.session.scalars(select(Notification.message)).all()
        assert len(notes) == 3 and notes[0].startswith(f"Rule #{rule_id} on AAPL: buy 10")
        perf = store.performance(rule_id)
        assert perf["trades"] == 3 and perf["bought"] == 20 and perf["sold"] == 10


def test_cooldown_holds_between_trades(app, trader, path):
    rule_id = _rule(app, trader, cooldown_seconds=3)
    path("100", "100", "97", "96", "95")  # below the band on three ticks in a row
    assert [o for _, o, _ in _decisions(app, rule_id)] == ["traded"]  # one trade in 3 s
    path("94")
    assert [o for _, o, _ in _decisions(app, rule_id)] == ["traded", "traded"]


def test_trades_per_day_limit(app, trader, path):
    rule_id = _rule(app, trader, max_trades_per_day=1)
    path("100", "100", "97", "96")
    assert _decisions(app, rule_id) == [
        ("buy", "traded", "buy 10 at market"),
        ("buy", "skipped", "reached 1 trades today"),
    ]


def test_max_position_limit(app, trader, path):
    rule_id = _rule(app, trader, max_position=15)
    path("100", "100", "97", "96", "95")
    assert _shares(app, trader) == 15  # 10, then the 5 that fit, then nothing
    assert _decisions(app, rule_id)[-1] == (
        "buy",
        "skipped",
        "position of 15 is at the maximum of 15",
    )


def test_stops_when_cash_runs_out(app, trader, path):
    rule_id = _rule(app, trader, quantity=60)  # $10,000 buys one lot at ~$97, not two
    path("100", "100", "97", "96")
    outcome = _decisions(app, rule_id)
    assert outcome[0][1] == "traded"
    assert outcome[1][1] == "skipped" and outcome[1][2].startswith("Insufficient funds")
    assert _shares(app, trader) == 60


def test_no_shares_to_sell_is_skipped(app, trader, path):
    rule_id = _rule(app, trader)
    path("100", "100", "103")
    assert _decisions(app, rule_id) == [("sell", "skipped", "no shares to sell")]


def test_a_signal_that_cannot_trade_is_logged_once_per_cooldown(app, trader, path):
    rule_id = _rule(app, trader, cooldown_seconds=3)
    path("100", "100", "103", "104", "105", "106", "107")  # above the band from the third
    assert _decisions(app, rule_id) == [("sell", "skipped", "no shares to sell")] * 2


def test_a_reload_of_the_rules_keeps_the_cooldown_of_a_skipped_signal(app, trader, path):
    rule_id = _rule(app, trader, cooldown_seconds=60)
    path("100", "100", "103")  # no shares to sell: skipped, then quiet for 60 s
    _rule(app, trader, ticker="MSFT")  # another rule: the worker reloads its rules
    path("104", "105", "106")
    assert _decisions(app, rule_id) == [("sell", "skipped", "no shares to sell")]


def test_an_ended_rule_switches_itself_off(app, trader, path):
    rule_id = _rule(app, trader, ends_at="2026-03-02T14:30:02")
    path("100", "100", "97", "96")
    assert _decisions(app, rule_id) == [
        ("buy", "skipped", "the rule ended at 2026-03-02 14:30; switched off")
    ]
    with app.app_context():
        assert db.session.get(AutoRule, rule_id).active is False


def test_an_end_given_with_an_offset_is_stored_in_utc(app, trader, path):
    rule_id = _rule(app, trader, ends_at="2026-03-02T19:30:02+05:00")  # 14:30:02 UTC
    with app.app_context():
        assert db.session.get(AutoRule, rule_id).ends_at == datetime(2026, 3, 2, 14, 30, 2)
    path("100", "100", "97", "96")
    assert _decisions(app, rule_id)[0][2].startswith("the rule ended")


def test_a_paused_rule_does_nothing(app, trader, path):
    rule_id = _rule(app, trader)
    with app.app_context():
        store.set_active(db.session.get(User, trader), rule_id, False)
    path("100", "100", "97", "96", "104")
    assert _decisions(app, rule_id) == [] and _shares(app, trader) == 0


def test_a_disabled_users_rules_do_not_trade_until_enabled_again(app, trader, admin, path):
    from models import Admin
    from services import accounts

    rule_id = _rule(app, trader)
    path("100", "100")  # the worker has the rule in its index

    def enable(on: bool):
        with app.app_context():
            accounts.set_user_enabled(db.session.get(Admin, admin), trader, on)
            db.session.remove()

    enable(False)
    path("97", "96")
    assert _decisions(app, rule_id) == [] and _shares(app, trader) == 0
    enable(True)
    path("93", "92")  # below the average of the last 5 s; the index reloads on the way
    assert _decisions(app, rule_id)[0] == ("buy", "traded", "buy 10 at market")


def test_a_decision_for_a_disabled_user_does_nothing(app, trader, market):
    rule_id = _rule(app, trader)
    market.set("AAPL", "97.00")
    with app.app_context():
        user = db.session.get(User, trader)
        user.is_enabled = False
        quote = SimpleNamespace(ticker="AAPL", price=Decimal("97.00"))
        assert trade.decide(rule_id, user, Signal("buy", 97.0, 100.0, -3.0), quote) is None
    assert _decisions(app, rule_id) == [] and _shares(app, trader) == 0


def test_reserved_cash_is_not_available_to_a_rule(app, trader, market, frozen_time):
    frozen_time(T0)
    market.set("AAPL", "100")
    with app.app_context():
        user = db.session.get(User, trader)
        orders.place(user, OrderSpec("AAPL", "buy", "limit", quantity=98, limit=Decimal("90")))
        db.session.remove()
    rule_id = _rule(app, trader, quantity=15)  # $10,000 less $8,821 reserved: $1,179 free
    with app.app_context():
        quote = orders.market.get_quote("AAPL")
        decision = trade.decide(rule_id, db.session.get(User, trader), read(98, 100, 1, 1), quote)
        assert decision.outcome == "skipped" and "Insufficient funds" in decision.reason
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_two_ticks_in_one_second_do_not_double_trade(app, trader, market, frozen_time):
    frozen_time(T0)
    market.set("AAPL", "98")
    rule_id = _rule(app, trader)
    with app.app_context():
        quote = orders.market.get_quote("AAPL")
        signal = read(98, 100, 1, 1)
        first = trade.decide(rule_id, db.session.get(User, trader), signal, quote)
        second = trade.decide(rule_id, db.session.get(User, trader), signal, quote)
    assert first.outcome == "traded"
    assert second.outcome == "skipped" and second.reason.startswith("cooling down")
    assert _shares(app, trader) == 10


def test_concurrent_decisions_on_one_rule_trade_once(app, trader, market, frozen_time):
    frozen_time(T0)
    market.set("AAPL", "98")
    rule_id = _rule(app, trader)
    barrier, outcomes = threading.Barrier(4), []

    def decide():
        with app.app_context():
            quote = orders.market.get_quote("AAPL")
            barrier.wait()
            d = trade.decide(rule_id, db.session.get(User, trader), read(98, 100, 1, 1), quote)
            outcomes.append(d.outcome)
            db.session.remove()

    threads = [threading.Thread(target=decide) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["skipped", "skipped", "skipped", "traded"]
    assert _shares(app, trader) == 10


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("buy_below_pct", "-1"),
        ("sell_above_pct", "abc"),
        ("window_seconds", "0"),
        ("quantity", "1.5"),
        ("cooldown_seconds", "0"),
        ("ticker", "NOPE"),
        ("ends_at", "tomorrow"),
        ("ends_at", "9999-12-31T23:00:00-05:00"),  # past the last date there is, in UTC
    ],
)
def test_bad_settings_are_refused_and_nothing_is_stored(app, trader, field, value):
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            store.create(db.session.get(User, trader), {**RULE, field: value})
        assert refused.value.field == field
        assert db.session.scalar(select(func.count()).select_from(AutoRule)) == 0


def test_quantity_or_amount_not_both(app, trader):
    with app.app_context(), pytest.raises(ServiceError):
        store.create(db.session.get(User, trader), {**RULE, "amount": "500"})


def test_an_edit_is_obeyed_before_the_worker_reloads_its_rules(app, trader, path):
    rule_id = _rule(app, trader)
    path("100", "100")  # the worker has the AAPL rule in its index
    with app.app_context():
        user = db.session.get(User, trader)
        universe.watch(user, "AAPL")  # AAPL stays priced when the rule leaves it
        store.update(user, rule_id, {**RULE, "ticker": "MSFT"})
        db.session.remove()
    path("97")  # AAPL drops 2 % on the next tick, before the edit reaches the index
    assert _decisions(app, rule_id) == [] and _shares(app, trader) == 0


def test_a_widened_band_is_obeyed_before_the_worker_reloads_its_rules(app, trader, path):
    rule_id = _rule(app, trader)
    path("100", "100")
    with app.app_context():
        user = db.session.get(User, trader)
        store.update(user, rule_id, {**RULE, "buy_below_pct": "5"})
        db.session.remove()
    path("97")  # 2 % below the average: inside the new 5 % band
    assert _decisions(app, rule_id) == [] and _shares(app, trader) == 0


def test_trades_per_day_count_the_trading_day_not_the_utc_date(app, trader, market, frozen_time):
    frozen_time(datetime(2026, 3, 2, 23, 59, 58))  # the trading day runs 21:00 to 21:00 UTC
    market.set("AAPL", "98")
    rule_id = _rule(app, trader, max_trades_per_day=1)

    def decide():
        with app.app_context():
            quote = orders.market.get_quote("AAPL")
            user = db.session.get(User, trader)
            return trade.decide(rule_id, user, read(98, 100, 1, 1), quote)

    assert decide().outcome == "traded"
    frozen_time(datetime(2026, 3, 3, 0, 0, 5))  # midnight UTC, the same trading day
    assert decide().reason == "reached 1 trades today"
    frozen_time(datetime(2026, 3, 3, 21, 0, 5))  # the next trading day
    assert decide().outcome == "traded"


def test_the_cooldown_is_not_lengthened_by_the_time_a_trade_takes(app, trader, path, monkeypatch):
    real = orders.place_locked

    def slow(*args, **kwargs):  # the clock moves on while the order is placed
        placed = real(*args, **kwargs)
        clock.freeze(clock.utcnow() + timedelta(milliseconds=50))
        return placed

    monkeypatch.setattr(orders, "place_locked", slow)
    rule_id = _rule(app, trader, cooldown_seconds=3)
    path("100", "100", "97", "96", "95", "94")  # below the band from the third tick on
    assert _decisions(app, rule_id) == [("buy", "traded", "buy 10 at market")] * 2


def test_a_window_that_cannot_hold_two_prices_is_refused(app, trader, path):
    with app.app_context():  # the worker prices every WORKER_INTERVAL (1 s): one price a window
        with pytest.raises(ServiceError) as refused:
            store.create(db.session.get(User, trader), {**RULE, "window_seconds": "1"})
        assert refused.value.field == "window_seconds"
    rule_id = _rule(app, trader, window_seconds=2)  # the shortest that holds two
    path("100", "100", "97")
    assert _decisions(app, rule_id) == [("buy", "traded", "buy 10 at market")]


def test_a_dollar_rule_spends_no_more_than_its_amount_at_the_fill_price(
    app, trader, market, frozen_time
):
    app.config["SLIPPAGE_BPS"] = Decimal("2")  # a market buy of $100.00 fills at $100.02
    frozen_time(T0)
    market.set("AAPL", "100")
    rule_id = _rule(app, trader, quantity=None, amount="1001")
    with app.app_context():
        quote = orders.market.get_quote("AAPL")
        decision = trade.decide(rule_id, db.session.get(User, trader), read(100, 102, 1, 1), quote)
        assert decision.outcome == "traded"
        available = db.session.get(User, trader).account.available_balance
    assert Decimal("10000.00") - available <= Decimal("1001.00")  # 9 shares: 10 cost $1,001.20
