"""Orders: exact arithmetic, reservations on every path, and each order type's trigger rule."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from extensions import db
from models import CashLedger, Order, Portfolio, Transaction, User
from services import matching, orders
from services.errors import ServiceError
from services.orders import OrderSpec
from tests.helpers import balances

D = Decimal
pytestmark = pytest.mark.usefixtures("books_balance")


def place(app, user_id, **fields):
    spec = OrderSpec(**{"ticker": "AAPL", "side": "buy", "kind": "market", **fields})
    with app.app_context():
        order_id = orders.place(db.session.get(User, user_id), spec).order_id
    return order_row(app, order_id)  # as stored, not as the service computed it


def tick(app, market, price, ticker="AAPL", volume=None):
    market.set(ticker, price)
    with app.app_context():
        filled = matching.on_price(ticker, D(str(price)), volume)
        db.session.remove()
        return filled


def order_row(app, order_id) -> Order:
    with app.app_context():
        order = db.session.get(Order, order_id)
        db.session.expunge(order)
        return order


def position(app, user_id, ticker="AAPL") -> Portfolio | None:
    with app.app_context():
        row = db.session.scalar(
            select(Portfolio).where(Portfolio.user_id == user_id, Portfolio.ticker == ticker)
        )
        if row is not None:
            db.session.expunge(row)
        return row


def test_market_buy_exact_cash_shares_ledger(app, market, trader):
    market.set("AAPL", "150.00")
    order = place(app, trader, quantity=10)
    assert (order.order_status, order.filled_quantity, order.average_fill_price) == (
        "filled",
        10,
        D("150.0000"),
    )
    assert balances(app, trader) == (D("8499.00"), D("0.00"), D("8499.00"))
    held = position(app, trader)
    assert (held.quantity, held.total_cost, held.average_price) == (10, D("1501.00"), D("150.1000"))
    with app.app_context():
        rows = db.session.execute(
            select(CashLedger.kind, CashLedger.amount, CashLedger.balance_after)
            .where(CashLedger.reference_type == "order")
            .order_by(CashLedger.entry_id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("buy", D("-1500.00"), D("8500.00")),
        ("commission", D("-1.00"), D("8499.00")),
    ]


def test_market_sell_realizes_pnl_on_average_cost(app, market, trader):
    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)
    market.set("AAPL", "160.00")
    place(app, trader, side="sell", quantity=4)
    held = position(app, trader)
    assert (held.quantity, held.total_cost, held.realized_pnl) == (6, D("900.60"), D("38.60"))
    assert held.average_price == D("150.1000")
    assert balances(app, trader)[2] == D("8499.00") + D("639.00")
    with app.app_context():
        fill = db.session.scalars(
            select(Transaction).order_by(Transaction.transaction_id.desc())
        ).first()
        assert (fill.transaction_amount, fill.commission, fill.realized_pnl) == (
            D("640.00"),
            D("1.00"),
            D("38.60"),
        )
    market.set("AAPL", "140.00")
    place(app, trader, side="sell", quantity=6)
    held = position(app, trader)
    assert (held.quantity, held.total_cost, held.average_price) == (0, D("0.00"), D("0"))
    assert held.realized_pnl == D("38.60") + (D("840.00") - D("1.00") - D("900.60"))


def test_commission_basis_points_and_minimum(app, market, trader):
    app.config.update(COMMISSION_FIXED=D("0"), COMMISSION_BPS=D("10"), COMMISSION_MIN=D("1.00"))
    market.set("AAPL", "50.00")
    small = place(app, trader, quantity=1)
    big = place(app, trader, quantity=100)
    assert order_row(app, small.order_id).total_commission == D("1.00")  # 0.05 -> minimum
    assert order_row(app, big.order_id).total_commission == D("5.00")  # 10 bps of 5,000
    assert balances(app, trader)[2] == D("10000.00") - D("51.00") - D("5005.00")


def test_slippage_moves_market_fills_against_the_trader(app, market, trader):
    app.config["SLIPPAGE_BPS"] = D("10")
    market.set("AAPL", "100.00")
    assert place(app, trader, quantity=5).average_fill_price == D("100.1000")
    assert place(app, trader, side="sell", quantity=5).average_fill_price == D("99.9000")


def test_dollar_amount_buys_whole_shares_and_leaves_the_rest(app, market, trader):
    market.set("AAPL", "150.00")
    order = place(app, trader, amount=D("1000.00"))
    assert (order.order_quantity, order.filled_quantity) == (6, 6)
    assert balances(app, trader)[0] == D("10000.00") - D("901.00")
    with pytest.raises(ServiceError, match="buys no whole share"):
        place(app, trader, amount=D("100.00"))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quantity": 100}, "Insufficient funds: this order needs $15,001.00"),
        ({"side": "sell", "quantity": 1}, "You have 0 shares of AAPL free to sell"),
        ({"kind": "limit", "limit": D("150"), "quantity": 67}, "Insufficient funds"),
        ({"ticker": "ZZZZ", "quantity": 1}, "Unknown ticker"),
    ],
)
def test_orders_that_cannot_be_paid_or_held_are_refused(app, market, trader, fields, message):
    market.set("AAPL", "150.00")
    with pytest.raises(ServiceError, match=message.replace("$", r"\$")):
        place(app, trader, **fields)
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))
    with app.app_context():
        assert db.session.scalars(select(Order)).all() == []


def test_buy_limit_reserves_worst_cost_and_fills_at_or_below(app, market, trader):
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140.00"), quantity=10, time_in_force="gtc")
    assert order.order_status == "pending" and order.reserved_cash == D("1401.00")
    assert balances(app, trader) == (D("8599.00"), D("1401.00"), D("10000.00"))
    assert tick(app, market, "140.01") == 0
    assert tick(app, market, "139.50") == 1
    filled = order_row(app, order.order_id)
    assert (filled.order_status, filled.average_fill_price, filled.reserved_cash) == (
        "filled",
        D("139.5000"),
        D("0.00"),
    )
    assert balances(app, trader) == (D("8604.00"), D("0.00"), D("8604.00"))


def test_sell_limit_reserves_shares_and_fills_at_or_above(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=10)
    order = place(app, trader, side="sell", kind="limit", limit=D("110"), quantity=6)
    assert position(app, trader).reserved_quantity == 6
    with pytest.raises(ServiceError, match="You have 4 shares of AAPL free to sell"):
        place(app, trader, side="sell", quantity=5)
    assert tick(app, market, "109.99") == 0
    assert tick(app, market, "110.00") == 1
    assert order_row(app, order.order_id).order_status == "filled"
    assert (position(app, trader).quantity, position(app, trader).reserved_quantity) == (4, 0)


def test_stop_orders_trigger_when_the_price_crosses_then_fill_at_market(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=10)
    sell_stop = place(app, trader, side="sell", kind="stop", stop=D("95"), quantity=10)
    buy_stop = place(app, trader, kind="stop", stop=D("105"), quantity=1)
    assert tick(app, market, "95.01") == 0
    assert tick(app, market, "94.80") == 1
    assert order_row(app, sell_stop.order_id).average_fill_price == D("94.8000")
    assert tick(app, market, "104.99") == 0
    assert tick(app, market, "105.50") == 1
    assert order_row(app, buy_stop.order_id).average_fill_price == D("105.5000")


def test_stop_limit_becomes_a_limit_when_triggered(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=20)
    order = place(
        app, trader, side="sell", kind="stop_limit", stop=D("95"), limit=D("94"), quantity=10
    )
    tick(app, market, "93.00")  # gaps through the stop: triggered, but below the limit
    triggered = order_row(app, order.order_id)
    assert triggered.stop_triggered and triggered.order_status == "pending"
    assert (triggered.trigger_dir, triggered.trigger_price) == ("ge", D("94.0000"))
    assert tick(app, market, "94.20") == 1
    assert order_row(app, order.order_id).average_fill_price == D("94.2000")


def test_trailing_stop_follows_the_high_water_mark(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=10)
    order = place(app, trader, side="sell", kind="trailing_stop", trail_amount=D("5"), quantity=10)
    assert order_row(app, order.order_id).trigger_price == D("95.0000")
    tick(app, market, "110.00")
    moved = order_row(app, order.order_id)
    assert (moved.water_mark, moved.trigger_price) == (D("110.0000"), D("105.0000"))
    tick(app, market, "107.00")  # falling does not lower the stop
    assert order_row(app, order.order_id).trigger_price == D("105.0000")
    assert tick(app, market, "104.90") == 1
    assert order_row(app, order.order_id).average_fill_price == D("104.9000")


def test_trailing_stops_move_in_the_lock_order_of_their_ids(app, market, trader):
    market.set("AAPL", "100.00")
    place(app, trader, quantity=20)
    ids = []
    for mark in ("150.00", "140.00", "130.00"):  # later orders, lower water marks
        market.set("AAPL", mark)
        ids.append(place(app, trader, side="sell", kind="trailing_stop", trail_amount=D("5"),
                         quantity=5).order_id)  # fmt: skip
    moved = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.startswith("UPDATE orders SET") and "water_mark" in statement:
            moved.extend(p[-1] if isinstance(p, tuple) else p["oid"] for p in parameters)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            matching.follow_trailing_stops("AAPL", D("160.00"))
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert moved == ids


def test_trailing_buy_follows_the_low_water_mark_by_percent(app, market, trader):
    market.set("AAPL", "100.00")
    order = place(app, trader, kind="trailing_stop", trail_percent=D("10"), quantity=5)
    assert order_row(app, order.order_id).trigger_price == D("110.0000")
    tick(app, market, "90.00")
    assert order_row(app, order.order_id).trigger_price == D("99.0000")
    assert tick(app, market, "98.99") == 0
    assert tick(app, market, "99.50") == 1


def test_cancel_releases_exactly_and_a_cancelled_order_never_fills(app, market, trader):
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("120"), quantity=10)
    with app.app_context():
        orders.cancel(db.session.get(User, trader), order.order_id)
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))
    assert tick(app, market, "100.00") == 0
    assert order_row(app, order.order_id).order_status == "cancelled"
    with app.app_context(), pytest.raises(ServiceError, match="already cancelled"):
        orders.cancel(db.session.get(User, trader), order.order_id)


def test_disabling_a_user_cancels_their_open_orders_and_releases_them(app, market, trader, admin):
    from models import Admin
    from services import accounts

    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)
    buy = place(app, trader, kind="limit", limit=D("120"), quantity=10)
    sell = place(app, trader, side="sell", kind="limit", limit=D("200"), quantity=5)
    assert position(app, trader).reserved_quantity == 5
    with app.app_context():
        accounts.set_user_enabled(db.session.get(Admin, admin), trader, False)
    available, frozen, total = balances(app, trader)
    assert frozen == D("0.00") and available == total
    assert position(app, trader).reserved_quantity == 0
    for order in (buy, sell):
        stored = order_row(app, order.order_id)
        assert (stored.order_status, stored.remark) == (
            "cancelled",
            "Account disabled by an administrator.",
        )
    assert tick(app, market, "100.00") == 0 and tick(app, market, "250.00") == 0
    assert position(app, trader).quantity == 10


def test_a_resting_sell_is_cancelled_by_its_owner_only(app, market, trader, make_user):
    market.set("AAPL", "150.00")
    place(app, trader, quantity=10)
    sell = place(app, trader, side="sell", kind="limit", limit=D("200"), quantity=4)
    assert position(app, trader).reserved_quantity == 4
    other = make_user("mallory")
    with app.app_context(), pytest.raises(ServiceError, match="No such order"):
        orders.cancel(db.session.get(User, other), sell.order_id)
    assert order_row(app, sell.order_id).order_status == "pending"
    assert position(app, trader).reserved_quantity == 4
    with app.app_context():
        cancelled = orders.cancel(db.session.get(User, trader), sell.order_id)
        assert (cancelled.order_status, cancelled.ticker) == ("cancelled", "AAPL")
    assert order_row(app, sell.order_id).order_status == "cancelled"
    assert (position(app, trader).quantity, position(app, trader).reserved_quantity) == (10, 0)


def test_day_orders_expire_at_the_session_close(app, market, trader, frozen_time):
    frozen_time(datetime(2026, 3, 2, 15, 0))  # a Monday, before the 21:00 UTC close
    market.set("AAPL", "150.00")
    day = place(app, trader, kind="limit", limit=D("140"), quantity=3)
    gtc = place(app, trader, kind="limit", limit=D("140"), quantity=3, time_in_force="gtc")
    assert order_row(app, day.order_id).expires_at == datetime(2026, 3, 2, 21, 0)
    frozen_time(datetime(2026, 3, 2, 21, 0, 1))
    with app.app_context():
        assert matching.expire_due() == 1
    assert order_row(app, day.order_id).order_status == "expired"
    assert order_row(app, gtc.order_id).order_status == "pending"
    assert balances(app, trader)[1] == D("421.00")  # only the GTC order's reservation


def test_ioc_and_fok_limits_cancel_when_not_fillable_at_once(app, market, trader):
    market.set("AAPL", "150.00")
    for tif in ("ioc", "fok"):
        order = place(app, trader, kind="limit", limit=D("149"), quantity=2, time_in_force=tif)
        assert order.order_status == "cancelled"
    filled = place(app, trader, kind="limit", limit=D("151"), quantity=2, time_in_force="ioc")
    assert filled.order_status == "filled" and filled.average_fill_price == D("150.0000")
    assert balances(app, trader)[1] == D("0.00")


def test_a_marketable_limit_fills_at_once_at_the_better_price(app, market, trader):
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("155"), quantity=2)
    assert order.order_status == "filled" and order.average_fill_price == D("150.0000")
    assert balances(app, trader) == (D("9699.00"), D("0.00"), D("9699.00"))


def test_partial_fills_are_capped_by_tick_volume(app, market, trader):
    app.config.update(PARTIAL_FILLS=True, PARTIAL_FILL_SHARE=0.1)
    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140"), quantity=10)
    tick(app, market, "139.00", volume=50)  # budget 5 shares
    partial = order_row(app, order.order_id)
    assert (partial.order_status, partial.filled_quantity) == ("partially_filled", 5)
    assert partial.reserved_cash == D("1401.00") - D("696.00")
    tick(app, market, "138.00", volume=100)
    done = order_row(app, order.order_id)
    assert (done.order_status, done.filled_quantity, done.reserved_cash) == ("filled", 10, D("0"))
    assert done.total_commission == D("1.00")  # the fixed commission is charged once
    assert balances(app, trader) == (
        D("10000.00") - D("696.00") - D("690.00"),
        D("0.00"),
        D("10000.00") - D("1386.00"),
    )


def test_an_orders_fills_together_pay_the_commission_of_one(app, market, trader):
    app.config.update(PARTIAL_FILLS=True, PARTIAL_FILL_SHARE=0.5)
    app.config.update(COMMISSION_FIXED=D("0"), COMMISSION_BPS=D("10"), COMMISSION_MIN=D("5.00"))
    market.set("AAPL", "1100.00")
    order = place(app, trader, kind="limit", limit=D("999"), quantity=10)
    assert order.reserved_cash == D("9999.99")  # $9,990 and 10 bps: all the cash but 1 cent
    tick(app, market, "999.00", volume=2)  # 1 share: the minimum, $5.00
    assert order_row(app, order.order_id).total_commission == D("5.00")
    tick(app, market, "999.00", volume=100)  # 9 more: $9,990 in all at 10 bps is $9.99
    done = order_row(app, order.order_id)
    assert (done.order_status, done.filled_quantity) == ("filled", 10)
    assert done.total_commission == D("9.99")
    assert balances(app, trader) == (D("0.01"), D("0.00"), D("0.01"))


def test_a_stop_that_gaps_past_the_cash_is_rejected_and_released(app, market, trader):
    market.set("AAPL", "100.00")
    order = place(app, trader, kind="stop", stop=D("105"), quantity=90)
    assert order.reserved_cash == D("9923.50")  # 90 x (105 x 1.05) + 1
    tick(app, market, "120.00")
    rejected = order_row(app, order.order_id)
    assert rejected.order_status == "rejected" and "Not enough cash" in rejected.remark
    assert balances(app, trader) == (D("10000.00"), D("0.00"), D("10000.00"))


def test_a_worker_tick_fills_what_the_new_price_triggers(app, market, trader):
    from tasks.tick import TickState, run_tick

    market.set("AAPL", "150.00")
    order = place(app, trader, kind="limit", limit=D("140"), quantity=2)
    state = TickState()
    with app.app_context():
        assert run_tick(state)["fills"] == 0  # AAPL is followed because of the open order
        market.set("AAPL", "139.00")
        assert run_tick(state)["fills"] == 1
    assert order_row(app, order.order_id).order_status == "filled"


def test_audit_verify_command_reports_broken_books(app, market, trader, runner):
    market.set("AAPL", "150.00")
    place(app, trader, quantity=2)
    assert "OK: every account balances." in runner.invoke(args=["audit", "verify"]).output
    with app.app_context():
        held = db.session.scalar(select(Portfolio))
        held.quantity += 1  # a share from nowhere
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "holds 3 != fills 2" in result.output
    with app.app_context():
        db.session.scalar(select(Portfolio)).quantity -= 1
        db.session.commit()


def test_a_sale_worth_less_than_its_commission_cannot_overdraw(app, market, make_user, admin):
    from models import Admin
    from services import funds

    user_id = make_user("penny")
    with app.app_context():
        request = funds.request_deposit(db.session.get(User, user_id), "1.50")
        funds.approve(db.session.get(Admin, admin), request.transaction_id)
    market.set("AAPL", "0.40")
    place(app, user_id, quantity=1)  # 0.40 + 1.00 commission: 0.10 left
    with pytest.raises(ServiceError, match="commission is more than this sale"):
        place(app, user_id, side="sell", quantity=1)  # 0.40 - 1.00 would leave -0.50
    assert balances(app, user_id) == (D("0.10"), D("0.00"), D("0.10"))
