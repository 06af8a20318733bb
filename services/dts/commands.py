"""The DTS commands on PaperDesk's engine. Each handler runs inside the caller's
transaction (a savepoint of a group), raises ServiceError for a failed precondition,
and returns the command's result as plain data.

Cash comes in through the ledger (ADD), a pending BUY/SELL is a quote hold, a commit
is a market order placed and filled at the held price by services.orders, and a
trigger is a resting limit order whose reservation is the engine's own (reserved
cash, reserved shares).
"""

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import insert

from extensions import db
from models.types import Money
from services import direct
from services.dts import book
from services.dts.book import free_shares, lock_account, lock_position, lock_trigger
from services.errors import ServiceError
from services.execution import release
from services.ledger import move_cash
from services.orders import OrderSpec, place_locked
from services.rows import OrderRecord, insert_now
from utils.clock import utcnow
from utils.money import format_money
from utils.trading import GE, LE

INSERT_HOLD = insert(book.HOLDS)  # built once: its parameters come with each call
# The largest balance a cash column holds (MySQL refuses more; SQLite would store it).
MOST_CASH = Decimal(10) ** (Money.precision - Money.scale) - Decimal(1).scaleb(-Money.scale)


def money(value: Decimal) -> str:
    """Cash as text with 2 decimals."""
    return format_money(value).replace(",", "")


def add(ctx, cmd) -> dict:
    """ADD: credit cash through the ledger; the first ADD creates the user."""
    user_id = ctx.users.find(cmd.user)
    if user_id is None:
        user_id = ctx.users.create(cmd.user)
        ctx.created(cmd.user, user_id)
    account = lock_account(user_id)
    if account.total_balance + cmd.amount > MOST_CASH:
        raise ServiceError(f"A balance holds at most ${money(MOST_CASH)}.")
    move_cash(account, cmd.amount, "deposit", ("dts", cmd.number))
    account.available_balance += cmd.amount
    ctx.log.account(cmd, cmd.user, "add", cmd.amount)
    return {"cash": money(account.available_balance)}


def quote(ctx, cmd) -> dict:
    """QUOTE: the current price."""
    ctx.users.need(cmd.user)
    hit = ctx.quote(cmd, cmd.symbol)
    return {"symbol": cmd.symbol, "price": money(hit.price), "cryptokey": hit.cryptokey}


def buy(ctx, cmd) -> dict:
    """BUY: hold the current price for a buy of ``amount`` dollars; moves no cash."""
    user_id = ctx.users.need(cmd.user)
    hit = ctx.quote(cmd, cmd.symbol)
    _whole_share(cmd.amount, hit.price)
    account = lock_account(user_id)
    if account.available_balance < cmd.amount:
        raise ServiceError(
            f"Insufficient funds: ${money(account.available_balance)} free, "
            f"${money(cmd.amount)} asked."
        )
    return _hold(user_id, cmd, "buy", hit.price)


def sell(ctx, cmd) -> dict:
    """SELL: hold the current price for a sale worth ``amount`` dollars of free shares."""
    user_id = ctx.users.need(cmd.user)
    hit = ctx.quote(cmd, cmd.symbol)
    _whole_share(cmd.amount, hit.price)
    _, position = lock_position(user_id, cmd.symbol)
    worth = free_shares(position) * hit.price
    if worth < cmd.amount:
        raise ServiceError(
            f"Not enough {cmd.symbol}: free shares are worth ${money(worth)}, "
            f"${money(cmd.amount)} asked."
        )
    return _hold(user_id, cmd, "sell", hit.price)


def _whole_share(amount: Decimal, price: Decimal) -> None:
    if amount < price:
        raise ServiceError(f"${money(amount)} is less than one share at ${money(price)}.")


def _hold(user_id: int, cmd, side: str, price: Decimal) -> dict:
    now = utcnow()
    seconds = current_app.config["QUOTE_HOLD_SECONDS"]
    row = {
        "user_id": user_id,
        "ticker": book.ticker(cmd.symbol),
        "order_type": side,
        "quantity": None,
        "amount": cmd.amount,
        "price": price,
        "source": "dts",
        "status": "held",
        "created_at": now,
        "expires_at": now + timedelta(seconds=seconds),
    }
    direct.run(db.session.connection(), INSERT_HOLD, row)
    return {"symbol": cmd.symbol, "price": money(price), "amount": money(cmd.amount)}


def commit_buy(ctx, cmd) -> dict:
    """COMMIT_BUY: buy floor(amount / held price) shares of the most recent pending buy."""
    return _commit(ctx, cmd, "buy")


def commit_sell(ctx, cmd) -> dict:
    """COMMIT_SELL: sell floor(amount / held price) shares of the most recent pending sell."""
    return _commit(ctx, cmd, "sell")


def _commit(ctx, cmd, side: str) -> dict:
    user_id = ctx.users.need(cmd.user)
    now = utcnow()
    pending_ = book.Held(user_id, side, now)
    held = pending_.latest
    if held is None:
        raise ServiceError(f"No pending {side.upper()} to commit.")
    sym = book.symbol(held.ticker)
    account, position = lock_position(user_id, sym)
    shares = book.whole_shares(held.amount, held.price)
    if side == "buy":
        spec = OrderSpec(ticker=held.ticker, side="buy", kind="market", amount=held.amount)
    else:
        spec = OrderSpec(ticker=held.ticker, side="sell", kind="market", quantity=shares)
    spec = OrderSpec(**{**spec.__dict__, "source": "quote"})
    priced = _Quote(held.ticker, held.price)
    order = place_locked(book.trader(user_id), account, position, spec, priced, None, held.price)
    pending_.close("committed", order.order_id)
    value = (order.average_fill_price * order.filled_quantity).quantize(Decimal("0.01"))
    if side == "buy":  # the cash the fill moved: its value and the commission
        ctx.log.account(cmd, cmd.user, "remove", value + order.total_commission)
    else:
        ctx.log.account(cmd, cmd.user, "add", value - order.total_commission)
    return {"symbol": sym, "shares": order.filled_quantity, "price": money(held.price)}


class _Quote:
    """The price a committed hold fills at, in the shape place_locked reads."""

    stale = False

    def __init__(self, ticker: str, price: Decimal):
        self.ticker, self.price = ticker, price


def cancel_buy(ctx, cmd) -> dict:
    """CANCEL_BUY: drop expired pending buys, then the most recent one."""
    return _cancel_hold(ctx, cmd, "buy")


def cancel_sell(ctx, cmd) -> dict:
    """CANCEL_SELL: drop expired pending sells, then the most recent one."""
    return _cancel_hold(ctx, cmd, "sell")


def _cancel_hold(ctx, cmd, side: str) -> dict:
    user_id = ctx.users.need(cmd.user)
    now = utcnow()
    pending_ = book.Held(user_id, side, now)  # a plain read: the UPDATE re-checks each hold
    held = pending_.latest
    if held is None:
        raise ServiceError(f"No pending {side.upper()} to cancel.")
    lock_account(user_id)  # serialises with a COMMIT of the same hold
    pending_.close("cancelled")
    return {"symbol": book.symbol(held.ticker), "amount": money(held.amount)}


def set_buy_amount(ctx, cmd) -> dict:
    """SET_BUY_AMOUNT: reserve cash for a buy trigger (a second call changes the amount)."""
    user_id = ctx.users.need(cmd.user)
    account, _ = lock_position(user_id, cmd.symbol)
    order = lock_trigger(user_id, cmd.symbol, "buy")
    change = cmd.amount - (order.reserved_cash if order else Decimal("0"))
    if change > account.available_balance:
        raise ServiceError(
            f"Insufficient funds: ${money(account.available_balance)} free, "
            f"${money(change)} more needed."
        )
    account.available_balance -= change
    account.frozen_balance += change
    if order is None:
        order = _new_trigger(user_id, cmd.symbol, "buy", cmd.amount)
        order.reserved_cash = cmd.amount
        insert_now(db.session, order)
    else:
        order.reserved_cash = cmd.amount
        order.requested_amount = cmd.amount
    if change:
        ctx.log.account(cmd, cmd.user, "reserve" if change > 0 else "release", abs(change))
    return {"symbol": cmd.symbol, "reserved": money(cmd.amount)}


def set_buy_trigger(ctx, cmd) -> dict:
    """SET_BUY_TRIGGER: arm (or re-price) the buy trigger: it fires at a quote <= price."""
    _check_trigger_price(cmd.amount)
    user_id = ctx.users.need(cmd.user)
    lock_position(user_id, cmd.symbol)
    order = lock_trigger(user_id, cmd.symbol, "buy")
    if order is None:
        raise ServiceError(f"No SET_BUY_AMOUNT for {cmd.symbol}.")
    order.order_price = order.trigger_price = cmd.amount
    order.trigger_dir = LE
    ctx.armed(user_id)
    return {"symbol": cmd.symbol, "price": money(cmd.amount)}


def cancel_set_buy(ctx, cmd) -> dict:
    """CANCEL_SET_BUY: return the reservation and remove the trigger."""
    user_id = ctx.users.need(cmd.user)
    account, position = lock_position(user_id, cmd.symbol)
    order = lock_trigger(user_id, cmd.symbol, "buy")
    if order is None:
        raise ServiceError(f"No buy trigger for {cmd.symbol}.")
    returned = order.reserved_cash
    release(account, position, order, "cancelled", "CANCEL_SET_BUY")
    ctx.log.account(cmd, cmd.user, "release", returned)
    return {"symbol": cmd.symbol, "released": money(returned)}


def set_sell_amount(ctx, cmd) -> dict:
    """SET_SELL_AMOUNT: record the amount of a sell trigger (re-reserving if armed)."""
    user_id = ctx.users.need(cmd.user)
    _, position = lock_position(user_id, cmd.symbol)
    if position is None or position.quantity < 1:
        raise ServiceError(f"You own no {cmd.symbol}.")
    order = lock_trigger(user_id, cmd.symbol, "sell")
    if order is None:
        insert_now(db.session, _new_trigger(user_id, cmd.symbol, "sell", cmd.amount))
        return {"symbol": cmd.symbol, "amount": money(cmd.amount)}
    if order.trigger_dir is not None:
        _reserve_sell(position, order, cmd.amount, order.order_price)
    order.requested_amount = cmd.amount
    return {"symbol": cmd.symbol, "amount": money(cmd.amount), "shares": _armed_shares(order)}


def set_sell_trigger(ctx, cmd) -> dict:
    """SET_SELL_TRIGGER: reserve floor(amount / price) shares and arm the trigger (>= price)."""
    _check_trigger_price(cmd.amount)
    user_id = ctx.users.need(cmd.user)
    _, position = lock_position(user_id, cmd.symbol)
    order = lock_trigger(user_id, cmd.symbol, "sell")
    if order is None:
        raise ServiceError(f"No SET_SELL_AMOUNT for {cmd.symbol}.")
    _reserve_sell(position, order, order.requested_amount, cmd.amount)
    order.order_price = order.trigger_price = cmd.amount
    order.trigger_dir = GE
    ctx.armed(user_id)
    return {"symbol": cmd.symbol, "price": money(cmd.amount), "shares": order.order_quantity}


def _check_trigger_price(price: Decimal) -> None:
    # The platform's largest price (its order forms' too); a price column holds no more
    # than 8 digits before the point, and MySQL refuses what does not fit.
    most = current_app.config["MAX_PRICE"]
    if price > most:
        raise ServiceError(f"A trigger price is at most ${money(most)}.")


def _reserve_sell(position, order, amount: Decimal, price: Decimal) -> None:
    shares = book.whole_shares(amount, price)
    already = _armed_shares(order)
    free = free_shares(position) + already
    if shares < 1 or shares > free:
        raise ServiceError(f"The trigger needs {shares} shares; {free} are free to reserve.")
    position.reserved_quantity += shares - already
    order.order_quantity = shares


def _armed_shares(order) -> int:
    return order.order_quantity if order.trigger_dir is not None else 0


def cancel_set_sell(ctx, cmd) -> dict:
    """CANCEL_SET_SELL: return the reserved shares and remove the trigger."""
    user_id = ctx.users.need(cmd.user)
    account, position = lock_position(user_id, cmd.symbol)
    order = lock_trigger(user_id, cmd.symbol, "sell")
    if order is None:
        raise ServiceError(f"No sell trigger for {cmd.symbol}.")
    returned = _armed_shares(order)
    if returned:
        release(account, position, order, "cancelled", "CANCEL_SET_SELL")
    else:  # an unarmed trigger reserves nothing
        order.order_status, order.closed_at, order.remark = "cancelled", utcnow(), "CANCEL_SET_SELL"
    return {"symbol": cmd.symbol, "released_shares": returned}


def _new_trigger(user_id: int, sym: str, side: str, amount: Decimal) -> OrderRecord:
    """A DTS trigger: a resting limit order, unarmed (no trigger price) until its
    SET_*_TRIGGER. Its quantity is a placeholder until then: a buy is sized at its fill,
    a sell when armed."""
    now = utcnow()
    return OrderRecord.new(
        user_id=user_id,
        ticker=book.ticker(sym),
        order_type=side,
        order_execution_type="limit",
        time_in_force="gtc",
        order_quantity=1,
        requested_amount=amount,
        source="dts",
        reserved_cash=Decimal("0.00"),
        total_commission=Decimal("0.00"),
        filled_quantity=0,
        order_status="pending",
        stop_triggered=False,
        created_at=now,
        updated_at=now,
    )


HANDLERS = {
    "ADD": add,
    "QUOTE": quote,
    "BUY": buy,
    "COMMIT_BUY": commit_buy,
    "CANCEL_BUY": cancel_buy,
    "SELL": sell,
    "COMMIT_SELL": commit_sell,
    "CANCEL_SELL": cancel_sell,
    "SET_BUY_AMOUNT": set_buy_amount,
    "SET_BUY_TRIGGER": set_buy_trigger,
    "CANCEL_SET_BUY": cancel_set_buy,
    "SET_SELL_AMOUNT": set_sell_amount,
    "SET_SELL_TRIGGER": set_sell_trigger,
    "CANCEL_SET_SELL": cancel_set_sell,
}
