"""The DTS rules, one test per rule, on PaperDesk's engine (fixed prices, a test clock)."""

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from extensions import db
from models import DtsEvent, Order, QuoteHold, Transaction, User
from services import verify
from services.dts import book
from services.errors import ServiceError
from tests.dts_helpers import Desk


@pytest.fixture
def desk(app, tmp_path):
    app.config["DTS_LOG_DIR"] = str(tmp_path / "dts-logs")
    with app.app_context():
        yield Desk({"ABC": "10.00", "XYZ": "50.00"})
        assert verify.verify() == []  # every test leaves balanced books


def funded(desk, cash="1000.00", user="u1"):
    desk.ok(f"[1] ADD,{user},{cash}")
    return desk


def events(kind=None, number=None):
    stmt = select(DtsEvent).order_by(DtsEvent.event_id)
    if kind:
        stmt = stmt.where(DtsEvent.kind == kind)
    if number:
        stmt = stmt.where(DtsEvent.transaction_num == number)
    return db.session.scalars(stmt).all()


def test_first_add_creates_a_user_who_cannot_sign_in(desk):
    desk.ok("ADD,alice,100.50")
    desk.ok("ADD,alice,0.50")
    user = db.session.scalar(select(User).where(User.user_name == "alice"))
    assert not check_password_hash(user.user_password, "")
    assert desk.state("alice")["cash"] == "101.00"
    assert user.account.total_balance == user.account.available_balance


def test_a_user_id_differing_only_in_case_is_refused_and_moves_no_cash(desk):
    desk.ok("ADD,alice,100.00")
    message = desk.error("ADD,Alice,50.00")
    assert "Alice" in message and "alice" in message and "case" in message
    assert "case" in desk.error("DISPLAY_SUMMARY,Alice")
    assert desk.state("alice")["cash"] == "100.00"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_add_past_the_largest_balance_is_refused(desk):
    desk.ok("ADD,u1,9999999999999.00")
    assert "9999999999999.99" in desk.error("ADD,u1,1.00")
    desk.ok("ADD,u1,0.99")  # exactly the largest a balance holds
    assert desk.state("u1")["cash"] == "9999999999999.99"


@pytest.mark.parametrize("amount", ["-5.00", "0", "0.00", "1.234", "ten", ""])
def test_bad_add_amount_is_an_error_and_creates_nothing(desk, amount):
    message = desk.error(f"ADD,bob,{amount}")
    assert message
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    (error,) = events("errorEvent")
    assert error.command == "ADD" and error.username == "bob"


@pytest.mark.parametrize(
    "line",
    [
        "QUOTE,ghost,ABC",
        "BUY,ghost,ABC,20",
        "COMMIT_BUY,ghost",
        "SET_BUY_AMOUNT,ghost,ABC,5",
        "DISPLAY_SUMMARY,ghost",
        "CANCEL_SET_SELL,ghost,ABC",
    ],
)
def test_every_command_but_add_needs_a_known_user(desk, line):
    assert "Unknown user ghost" in desk.error(line)


@pytest.mark.parametrize("line", ["HELLO,u1", "BUY,u1,ABC", "QUOTE,u1,TOOLONG", "", "ADD"])
def test_malformed_lines_are_error_events(desk, line):
    funded(desk)
    outcomes = desk.run(line)
    if not line:
        assert outcomes == []
        return
    assert not outcomes[0].success
    assert events("errorEvent")[-1].message == outcomes[0].error


def test_a_line_with_the_wrong_arguments_logs_its_user_only_if_that_is_a_user_id(desk):
    funded(desk)
    lines = ["BUY," + "x" * 100 + ",ABC", "QUOTE,u1 x,ABC,1", "BUY,u1,ABC", "ADD,u1,5.00"]
    outcomes = desk.run(*lines)  # one group: the others' events are stored with them
    assert [o.success for o in outcomes] == [False, False, False, True]
    assert [e.username for e in events("errorEvent")] == [None, None, "u1"]
    assert desk.state("u1")["cash"] == "1005.00"


def test_quote_gives_the_price_and_a_missing_symbol_is_an_error(desk):
    funded(desk)
    result = desk.ok("QUOTE,u1,ABC")
    assert result["price"] == "10.00" and len(result["cryptokey"]) > 20
    (quote,) = events("quoteServer")
    assert quote.price == 10 and quote.username == "u1" and quote.cryptokey
    assert "No price for QQQ" in desk.error("QUOTE,u1,QQQ")


def test_buy_needs_cash_and_one_whole_share_and_moves_no_cash(desk):
    funded(desk, "100.00")
    assert "Insufficient funds" in desk.error("BUY,u1,ABC,100.01")
    assert "less than one share" in desk.error("BUY,u1,ABC,9.99")
    desk.ok("BUY,u1,ABC,100.00")
    assert desk.state("u1")["cash"] == "100.00"
    hold = db.session.scalar(select(QuoteHold))
    assert (hold.status, hold.price, hold.amount) == ("held", 10, 100)


def test_commit_buy_buys_whole_shares_at_the_held_price(desk):
    funded(desk, "100.00")
    desk.ok("BUY,u1,ABC,55.00")
    desk.price("ABC", "11.00")  # the held price stands
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 5
    state = desk.state("u1")
    assert state["cash"] == "50.00" and state["holdings"] == {"ABC": 5}
    fill = db.session.scalar(select(Transaction))
    assert fill.transaction_price == 10 and fill.commission == 0  # DTS trades free


def test_commit_buy_drops_expired_buys_first(desk):
    funded(desk)
    desk.ok("BUY,u1,ABC,20.00")
    desk.later(61)
    assert "No pending BUY" in desk.error("COMMIT_BUY,u1")
    desk.ok("BUY,u1,ABC,20.00")
    desk.later(59)
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 2


def test_commit_buy_takes_the_most_recent_buy(desk):
    funded(desk)
    desk.ok("BUY,u1,ABC,20.00")
    desk.ok("BUY,u1,XYZ,100.00")
    assert desk.ok("COMMIT_BUY,u1") == {"symbol": "XYZ", "shares": 2, "price": "50.00"}
    assert desk.ok("COMMIT_BUY,u1")["symbol"] == "ABC"
    assert "No pending BUY" in desk.error("COMMIT_BUY,u1")


def test_commit_buy_without_the_cash_is_an_error_and_the_buy_stays(desk):
    funded(desk, "100.00")
    desk.ok("BUY,u1,ABC,100.00")
    desk.ok("SET_BUY_AMOUNT,u1,XYZ,60.00")  # the cash is reserved elsewhere now
    assert "Insufficient funds" in desk.error("COMMIT_BUY,u1")
    assert (
        db.session.scalar(select(func.count()).select_from(Order).where(Order.source == "quote"))
        == 0
    )
    desk.ok("ADD,u1,60.00")
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 10


def test_commit_and_cancel_buy_leave_the_users_platform_quotes_alone(desk, market):
    from services import holds, market_clock
    from utils.clock import local_time

    funded(desk)
    desk.ok("BUY,u1,ABC,20.00")
    market.set("AAPL", "100.00")
    user = db.session.scalar(select(User).where(User.user_name == "u1"))
    with local_time(desk.now), market_clock.always_open():
        web = holds.hold(user, "AAPL", "buy", 2, None)  # once an admin lets u1 sign in
    assert desk.ok("COMMIT_BUY,u1")["symbol"] == "ABC"
    assert "No pending BUY" in desk.error("CANCEL_BUY,u1")
    db.session.refresh(web)
    assert web.status == "held"


def test_cancel_buy_removes_the_most_recent_and_drops_expired(desk):
    funded(desk)
    desk.ok("BUY,u1,ABC,20.00")
    desk.later(30)
    desk.ok("BUY,u1,XYZ,50.00")
    assert desk.ok("CANCEL_BUY,u1")["symbol"] == "XYZ"
    desk.later(31)  # the ABC buy is now 61 s old
    assert "No pending BUY" in desk.error("CANCEL_BUY,u1")
    statuses = db.session.scalars(select(QuoteHold.status).order_by(QuoteHold.hold_id)).all()
    assert statuses == ["held", "cancelled"]  # the expired one is past its time either way


def test_sell_needs_free_shares_worth_the_amount(desk):
    funded(desk)
    assert "Not enough ABC" in desk.error("SELL,u1,ABC,10.00")
    desk.ok("BUY,u1,ABC,50.00")
    desk.ok("COMMIT_BUY,u1")
    assert "Not enough ABC" in desk.error("SELL,u1,ABC,50.01")
    assert "less than one share" in desk.error("SELL,u1,ABC,9.00")
    desk.ok("SELL,u1,ABC,25.00")
    desk.price("ABC", "12.00")
    assert desk.ok("COMMIT_SELL,u1")["shares"] == 2  # floor(25 / 10) at the held 10.00
    state = desk.state("u1")
    assert state["cash"] == "970.00" and state["holdings"] == {"ABC": 3}
    desk.ok("SELL,u1,ABC,24.00")
    desk.ok("CANCEL_SELL,u1")
    assert "No pending SELL" in desk.error("COMMIT_SELL,u1")
    assert "No pending SELL" in desk.error("CANCEL_SELL,u1")


def test_commit_sell_without_the_free_shares_is_an_error_and_the_sell_stays(desk):
    funded(desk)
    desk.ok("BUY,u1,ABC,50.00")
    desk.ok("COMMIT_BUY,u1")
    desk.ok("SELL,u1,ABC,50.00")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")  # reserves 5 shares
    assert "free to sell" in desk.error("COMMIT_SELL,u1")
    desk.ok("CANCEL_SET_SELL,u1,ABC")
    assert desk.ok("COMMIT_SELL,u1")["shares"] == 5


def test_set_buy_amount_reserves_and_a_second_call_changes_the_reservation(desk):
    funded(desk, "100.00")
    assert "Insufficient funds" in desk.error("SET_BUY_AMOUNT,u1,ABC,100.01")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,60.00")
    assert desk.state("u1")["cash"] == "40.00"
    assert desk.state("u1")["reserved_cash"] == "60.00"
    desk.ok("SET_BUY_TRIGGER,u1,ABC,5.00")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,30.00")  # releases 30, keeps the trigger price
    state = desk.state("u1")
    assert (state["cash"], state["reserved_cash"]) == ("70.00", "30.00")
    assert state["buy_triggers"] == {"ABC": {"amount": "30.00", "price": "5.00"}}
    assert "Insufficient funds" in desk.error("SET_BUY_AMOUNT,u1,ABC,100.01")
    order = db.session.scalar(select(Order).where(Order.source == "dts"))
    assert order.reserved_cash == 30 and order.trigger_price == 5  # a PaperDesk resting order


def test_buy_trigger_fires_at_or_below_its_price(desk):
    funded(desk, "100.00")
    assert "No SET_BUY_AMOUNT" in desk.error("SET_BUY_TRIGGER,u1,ABC,9.00")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,35.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,9.00")  # the quote is 10.00: not yet
    assert desk.state("u1")["buy_triggers"]["ABC"]["price"] == "9.00"
    desk.price("ABC", "8.00")
    desk.ok("QUOTE,u1,XYZ")  # after any command of the user, due triggers fire
    state = desk.state("u1")
    # floor(35 / 8) = 4 shares at 8.00 = 32.00; the other 3.00 returns to free cash
    assert state["holdings"] == {"ABC": 4} and state["cash"] == "68.00"
    assert state["reserved_cash"] == "0.00" and state["buy_triggers"] == {}
    (fired,) = events("systemEvent")
    assert fired.command == "SET_BUY_TRIGGER" and fired.funds == 32


def test_cancel_set_buy_returns_the_reservation(desk):
    funded(desk, "100.00")
    assert "No buy trigger" in desk.error("CANCEL_SET_BUY,u1,ABC")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,35.00")
    assert desk.ok("CANCEL_SET_BUY,u1,ABC")["released"] == "35.00"
    state = desk.state("u1")
    assert (state["cash"], state["reserved_cash"], state["buy_triggers"]) == ("100.00", "0.00", {})
    assert "No buy trigger" in desk.error("CANCEL_SET_BUY,u1,ABC")


def bought(desk, shares=10):
    funded(desk)
    desk.ok(f"BUY,u1,ABC,{shares * 10}.00")
    desk.ok("COMMIT_BUY,u1")
    return desk


def test_a_buy_trigger_that_buys_no_share_logs_only_its_release(desk):
    funded(desk, "100.00")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,5.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,11.00")  # met at 10.00, where 5.00 buys no share
    (closed,) = events("systemEvent")
    assert "closed" in closed.message and closed.funds == 0
    moves = [(e.action, e.funds) for e in events("accountTransaction", closed.transaction_num)]
    assert moves == [("release", 5)]
    assert desk.state("u1")["cash"] == "100.00"


def test_a_trigger_price_above_the_platforms_largest_price_is_refused(desk):
    bought(desk, 10)
    desk.ok("SET_BUY_AMOUNT,u1,ABC,50.00")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,9000000000.00")
    assert "at most $1000000.00" in desk.error("SET_BUY_TRIGGER,u1,ABC,100000000.00")
    assert "at most $1000000.00" in desk.error("SET_SELL_TRIGGER,u1,ABC,1000000000.00")
    state = desk.state("u1")
    assert state["buy_triggers"]["ABC"]["price"] is None
    assert state["sell_triggers"]["ABC"]["price"] is None and state["reserved_shares"] == {}
    desk.ok("SET_BUY_TRIGGER,u1,ABC,1000000.00")  # the largest: it fires at once


def test_set_sell_amount_needs_shares(desk):
    funded(desk)
    assert "You own no ABC" in desk.error("SET_SELL_AMOUNT,u1,ABC,50.00")
    desk.ok("BUY,u1,ABC,10.00")
    desk.ok("COMMIT_BUY,u1")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,50.00")
    state = desk.state("u1")
    assert state["sell_triggers"] == {"ABC": {"amount": "50.00", "price": None, "shares": 0}}
    assert state["reserved_shares"] == {}  # nothing reserved until the trigger is set


def test_set_sell_trigger_reserves_shares_or_changes_nothing(desk):
    bought(desk, 10)
    assert "No SET_SELL_AMOUNT" in desk.error("SET_SELL_TRIGGER,u1,ABC,20.00")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    assert "needs 0 shares" in desk.error("SET_SELL_TRIGGER,u1,ABC,200.00")
    assert "needs 20 shares" in desk.error("SET_SELL_TRIGGER,u1,ABC,5.00")
    assert desk.state("u1")["reserved_shares"] == {}
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")  # floor(100 / 20) = 5 shares
    state = desk.state("u1")
    assert state["holdings"] == {"ABC": 5} and state["reserved_shares"] == {"ABC": 5}
    desk.ok("SET_SELL_TRIGGER,u1,ABC,12.50")  # re-priced: 8 shares, from 5 free + 5 its own
    assert desk.state("u1")["reserved_shares"] == {"ABC": 8}
    assert desk.state("u1")["sell_triggers"]["ABC"] == {
        "amount": "100.00",
        "price": "12.50",
        "shares": 8,
    }


def test_sell_trigger_fires_at_or_above_its_price(desk):
    bought(desk, 10)
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")
    desk.price("ABC", "21.00")
    desk.ok("DISPLAY_SUMMARY,u1")
    state = desk.state("u1")
    # the 5 reserved shares sold at the quote, 21.00: 105.00 back
    assert state["holdings"] == {"ABC": 5} and state["reserved_shares"] == {}
    assert state["cash"] == "1005.00" and state["sell_triggers"] == {}


def test_set_sell_amount_on_an_armed_trigger_re_reserves(desk):
    bought(desk, 10)
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,60.00")  # floor(60 / 20) = 3 shares
    assert desk.state("u1")["reserved_shares"] == {"ABC": 3}
    assert "needs 15 shares" in desk.error("SET_SELL_AMOUNT,u1,ABC,300.00")
    assert desk.state("u1")["sell_triggers"]["ABC"]["amount"] == "60.00"


def test_cancel_set_sell_returns_the_shares(desk):
    bought(desk, 10)
    assert "No sell trigger" in desk.error("CANCEL_SET_SELL,u1,ABC")
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")
    assert desk.ok("CANCEL_SET_SELL,u1,ABC")["released_shares"] == 5
    state = desk.state("u1")
    assert state["holdings"] == {"ABC": 10} and state["reserved_shares"] == {}
    desk.ok("SET_SELL_AMOUNT,u1,ABC,100.00")
    assert desk.ok("CANCEL_SET_SELL,u1,ABC")["released_shares"] == 0


def test_with_a_commission_the_logged_cash_moves_add_up_to_the_account(app, desk):
    app.config["DTS_COMMISSION"] = "1.00"
    funded(desk)
    desk.ok("BUY,u1,ABC,100.00")
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 9  # 90.00 and the 1.00 commission
    desk.ok("SET_SELL_AMOUNT,u1,ABC,50.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,10.00")  # met at once: 5 shares, 50.00 less 1.00
    desk.ok("SET_BUY_AMOUNT,u1,ABC,30.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,10.00")  # met at once: 2 shares, 20.00 and 1.00
    moves = [(e.command, e.action, e.funds) for e in events("accountTransaction")]
    assert moves[1:] == [
        ("COMMIT_BUY", "remove", 91),
        ("SET_SELL_TRIGGER", "add", 49),
        ("SET_BUY_AMOUNT", "reserve", 30),
        ("SET_BUY_TRIGGER", "remove", 21),
        ("SET_BUY_TRIGGER", "release", 9),
    ]
    assert desk.state("u1")["cash"] == "937.00"  # 1000 - 91 + 49 - 21


def test_display_summary_changes_nothing(desk):
    bought(desk, 3)
    before = desk.state("u1")
    result = desk.ok("DISPLAY_SUMMARY,u1")
    assert desk.state("u1") == before
    assert result["holdings"] == {"ABC": 3}
    assert [h["kind"] for h in result["history"]] == ["buy", "deposit"]


def test_display_summary_in_a_batch_shows_its_cash_movements_not_yet_stored(desk):
    desk.now = desk.now.replace(microsecond=500000)  # a time no database column keeps whole
    lines = ("ADD,u9,100.00", "BUY,u9,ABC,25.00", "COMMIT_BUY,u9", "DISPLAY_SUMMARY,u9")
    inside = desk.run(*lines)[-1].result["history"]
    assert [(h["kind"], h["amount"], h["balance_after"]) for h in inside] == [
        ("buy", "-20.00", "80.00"),
        ("deposit", "100.00", "100.00"),
    ]
    assert desk.ok("DISPLAY_SUMMARY,u9")["history"] == inside  # the same, once stored


def test_dumplog_of_everything_is_for_admins(app, desk):
    funded(desk)
    visitor = Desk({"ABC": "10.00"}, admin=False)
    assert "for admins" in visitor.error("DUMPLOG,everything.xml")
    assert visitor.ok("DUMPLOG,u1,mine.xml") == {"file": "mine.xml"}


def test_one_batch_reads_what_its_earlier_commands_wrote(desk):
    outcomes = desk.run(
        "ADD,u2,100.00",
        "BUY,u2,ABC,100.00",
        "COMMIT_BUY,u2",
        "SELL,u2,ABC,50.00",
        "COMMIT_SELL,u2",
        "DISPLAY_SUMMARY,u2",
    )
    assert [o.success for o in outcomes] == [True] * 6
    assert outcomes[-1].result["holdings"] == {"ABC": 5}
    assert outcomes[-1].result["cash"] == "50.00"


def test_a_failing_command_in_a_batch_leaves_only_its_error(desk):
    outcomes = desk.run("ADD,u3,100.00", "BUY,u3,ABC,500.00", "ADD,u3,1.00")
    assert [o.success for o in outcomes] == [True, False, True]
    assert desk.state("u3")["cash"] == "101.00"
    kinds = [(e.transaction_num, e.kind) for e in events()]
    assert (2, "errorEvent") in kinds
    assert (2, "userCommand") not in kinds and (2, "quoteServer") not in kinds


def test_a_command_failing_after_it_wrote_is_rolled_back_alone(desk, monkeypatch):
    funded(desk, "100.00", "u4")
    real = book.Held.close
    calls = []

    def failing_close(self, status, order_id=None):
        calls.append(self.latest.hold_id)
        if self.latest.amount == 50:  # the first BUY fails each time it is committed
            raise ServiceError("That pending transaction was already used.")
        return real(self, status, order_id)

    monkeypatch.setattr(book.Held, "close", failing_close)
    outcomes = desk.run(
        "BUY,u4,ABC,50.00", "COMMIT_BUY,u4", "ADD,u4,5.00", "BUY,u4,ABC,20.00", "COMMIT_BUY,u4"
    )
    # the first COMMIT_BUY placed and filled its order, then failed: the group ran
    # again with savepoints and that command alone left nothing but its error
    assert [o.success for o in outcomes] == [True, False, True, True, True]
    state = desk.state("u4")
    assert state["holdings"] == {"ABC": 2} and state["cash"] == "85.00"
    assert db.session.scalar(select(func.count()).select_from(Transaction)) == 1
    errors = events("errorEvent")
    assert [e.command for e in errors] == ["COMMIT_BUY"]
    assert len(calls) == 3  # tried in the fast group, then in the savepoint replay


def test_the_worker_fills_armed_triggers_at_dts_quotes(app, desk):
    from tasks.tick import TickState, run_tick

    desk.price("ABC", "100000.00")  # the desk's own price: the trigger does not fire yet
    funded(desk, "100000.00")
    desk.ok("SET_BUY_AMOUNT,u1,ABC,100000.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,99999.00")
    assert desk.state("u1")["buy_triggers"]["ABC"]["price"] == "99999.00"
    db.session.commit()
    done = run_tick(TickState())  # the seeded walk (from $5-$500, 1 % a minute) is below
    assert done["fills"] == 1
    state = desk.state("u1")
    fill = db.session.scalar(select(Transaction))
    assert fill.commission == 0 and fill.ticker == "~ABC" and fill.transaction_price <= 99999
    assert state["buy_triggers"] == {} and state["reserved_cash"] == "0.00"
    shares = int(100000 // fill.transaction_price)
    assert state["holdings"]["ABC"] == fill.transaction_quantity == shares


def test_dts_keeps_no_exchange_hours(app, desk):
    from services import market_clock

    app.config["MARKET_HOURS"] = "exchange"
    app.extensions.pop("paperdesk_hours", None)
    desk.later(4 * 86400)  # Saturday 5 February 2022: the exchange is closed
    assert not market_clock.is_open(desk.now)
    funded(desk, "100.00")
    desk.ok("BUY,u1,ABC,50.00")
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 5
    desk.ok("SET_BUY_AMOUNT,u1,ABC,20.00")
    desk.ok("SET_BUY_TRIGGER,u1,ABC,10.00")  # the quote is 10.00: fires at once
    assert desk.state("u1")["holdings"] == {"ABC": 7}


def _unarmed_sell_trigger(desk) -> Order:
    """10 ABC held with 2 of them reserved by an armed trigger, and a second trigger on XYZ
    given its amount but not armed: that one reserves nothing."""
    funded(desk, "2000.00")
    for line in ("BUY,u1,ABC,100.00", "COMMIT_BUY,u1", "BUY,u1,XYZ,100.00", "COMMIT_BUY,u1"):
        desk.ok(line)
    desk.ok("SET_SELL_AMOUNT,u1,ABC,40.00")
    desk.ok("SET_SELL_TRIGGER,u1,ABC,20.00")  # floor(40 / 20) = 2 shares
    desk.ok("SET_SELL_AMOUNT,u1,XYZ,50.00")
    db.session.remove()
    return db.session.scalar(select(Order).where(Order.source == "dts", Order.ticker.like("%XYZ")))


def test_an_admin_rejecting_an_unarmed_sell_trigger_releases_no_shares(desk, admin):
    from models import Admin, Portfolio
    from services import admin_orders

    trigger = _unarmed_sell_trigger(desk)
    assert trigger.order_status == "pending" and trigger.trigger_dir is None
    admin_orders.reject(db.session.get(Admin, admin), trigger.order_id, "not on this desk")
    db.session.remove()
    reserved = dict(db.session.execute(select(Portfolio.ticker, Portfolio.reserved_quantity)).all())
    assert sorted(reserved.values()) == [0, 2]  # XYZ none, ABC the armed trigger's 2


def test_an_admin_cannot_execute_a_dts_trigger(desk, admin):
    from models import Admin
    from services import admin_orders
    from services.errors import Conflict

    trigger = _unarmed_sell_trigger(desk)
    with pytest.raises(Conflict, match="reject it instead"):
        admin_orders.execute(db.session.get(Admin, admin), trigger.order_id)


def test_the_platforms_risk_limits_do_not_apply_to_dts_commits(app, desk):
    app.config.update(RISK_MAX_ORDER_VALUE=1000, RISK_MAX_DAILY_VALUE=1000)
    funded(desk, "3000000.00")
    desk.ok("BUY,u1,ABC,1500000.00")
    assert desk.ok("COMMIT_BUY,u1")["shares"] == 150000
    desk.ok("SELL,u1,ABC,500000.00")
    assert desk.ok("COMMIT_SELL,u1")["shares"] == 50000
