"""Placing and closing orders. Market orders are placed and filled in one transaction;
resting orders reserve cash or shares, then wait for the worker (or fill at once when
the current price already crosses them). While the exchange is closed (MARKET_HOURS
``exchange``) nothing fills at placement: a market order waits for the open like a
resting order, reserving what it may need, and the worker fills it at the first price
of the session."""

from dataclasses import dataclass
from decimal import Decimal

from flask import current_app

import services.risk
from extensions import db
from services import audit, locks, market, market_clock
from services.db import transaction
from services.errors import Conflict, NotFound, ServiceError, Unavailable
from services.events import trading as trading_events
from services.execution import apply_fill, costs, expire, holds_shares, past_its_close, release
from services.rows import OrderRecord, insert_now
from utils.clock import utcnow
from utils.money import format_money
from utils.trading import (
    GE,
    buy_cost,
    crosses,
    shares_for_amount,
    trailing_stop,
    trigger,
)


@dataclass(frozen=True)
class OrderSpec:
    """A validated order request (see routes.schemas.OrderRequest)."""

    ticker: str
    side: str
    kind: str
    quantity: int | None = None
    amount: Decimal | None = None
    limit: Decimal | None = None
    stop: Decimal | None = None
    trail_amount: Decimal | None = None
    trail_percent: Decimal | None = None
    time_in_force: str = "day"
    source: str = "user"


def place(user, spec: OrderSpec, ip: str | None = None, fill_price: Decimal | None = None):
    """Place an order; refuse with a 400 (storing nothing) what the user cannot pay or hold.

    ``fill_price`` is the price of a committed quote hold (used instead of the quote).
    """
    ticker = market.check_ticker(spec.ticker)
    quote = market.get_quote(ticker)
    needs_fresh = spec.kind in ("market", "trailing_stop") and fill_price is None
    if quote.stale and needs_fresh:
        raise Unavailable(f"No current price for {ticker}; try again shortly.")
    try:
        with transaction():
            account, position = lock_trader(user.user_id, ticker)
            return place_locked(user, account, position, spec, quote, ip, fill_price)
    except ServiceError as exc:
        trading_events.order_refused(user.user_id, spec, exc.message)
        raise


def lock_trader(user_id: int, ticker: str):
    """Lock the user's account, then their position in ``ticker``: the first two locks,
    taken by one statement."""
    account, position, _ = locks.lock_trader(db.session, user_id, ticker)
    if account is None:
        raise NotFound("No such account.")
    return account, position


def place_locked(user, account, position, spec: OrderSpec, quote, ip=None, fill_price=None):
    """Place the order inside the caller's transaction, account and position locked.

    The order row is inserted once, as the placement leaves it (filled, resting or
    closed); its fill, ledger and audit rows follow when the transaction commits.
    """
    ticker = quote.ticker
    services.risk.check(account.user_id, spec, quote.price, fill_price)
    market_open = market_clock.is_open()
    if fill_price is not None and not market_open:
        raise ServiceError(_closed_message("A held quote cannot be filled"), field="ticker")
    if spec.kind == "market" and not market_open:
        if spec.time_in_force in ("ioc", "fok"):
            what = f"an {spec.time_in_force.upper()} order cannot fill"
            raise ServiceError(_closed_message(what), field="time_in_force")
        order = _waiting_market(account, position, spec, ticker, quote)
    elif spec.kind == "market":
        price = fill_price or costs().slipped(quote.price, spec.side)
        order = _market(account, position, spec, ticker, price)
    else:
        order = _resting(account, position, spec, ticker, quote, market_open)
    insert_now(db.session, order)
    audit.record(user, "order.place", ("order", order.order_id), _detail(order), ip)
    return order


def _market(account, position, spec, ticker, price) -> OrderRecord:
    quantity = _sized(spec, price)
    _check_means(account, position, spec.side, quantity, ticker, price)
    order = _new_order(account, spec, ticker, quantity)
    apply_fill(account, position, order, price, quantity)
    return order


def _waiting_market(account, position, spec, ticker, quote) -> OrderRecord:
    """A market order placed while the exchange is closed: a day order for the next
    session that matches any price (the worker's first price of the session fills it).
    A buy reserves its shares at the last price plus the collar, as a buy stop does."""
    quantity = _sized(spec, quote.price)
    order = _new_order(account, spec, ticker, quantity, time_in_force="day")
    order.trigger_dir, order.trigger_price = GE, Decimal("0")
    order.expires_at = market_clock.day_order_expiry()
    order.remark = f"Waits for the market to open ({market_clock.status()['et']})."
    _reserve(account, position, spec, order, quantity, costs().collared(quote.price))
    return order


def _closed_message(what: str) -> str:
    return f"The market is closed: {what.lower()} until it opens ({market_clock.status()['et']})."


def _reserve(account, position, spec, order, quantity, worst_price) -> None:
    ticker = order.ticker
    if spec.side == "buy":
        reserve = spec.amount or buy_cost(worst_price, quantity, costs())
        _check_means(account, position, "buy", quantity, ticker, None, reserve)
        account.available_balance -= reserve
        account.frozen_balance += reserve
        order.reserved_cash = reserve
    else:
        _check_means(account, position, "sell", quantity, ticker, None)
        position.reserved_quantity += quantity


def _resting(account, position, spec, ticker, quote, market_open: bool = True) -> OrderRecord:
    quantity = _sized(spec, spec.limit)
    order = _new_order(account, spec, ticker, quantity)
    if spec.kind == "trailing_stop":
        order.water_mark = quote.price
        order.stop_price = trailing_stop(
            quote.price, spec.side, spec.trail_amount, spec.trail_percent
        )
        if order.stop_price <= 0:
            raise ServiceError("The trail is larger than the price.", field="trail_amount")
    order.trigger_dir, order.trigger_price = trigger(
        spec.kind, spec.side, limit=spec.limit, stop=order.stop_price
    )
    if spec.time_in_force == "day":
        order.expires_at = market_clock.day_order_expiry()
    worst = _worst_buy_price(order, quote.price) if spec.side == "buy" else None
    _reserve(account, position, spec, order, quantity, worst)
    # Never fill from an old price, nor while the exchange is closed: the worker will
    # see a fresh one in the session.
    if not quote.stale and market_open:
        act(account, position, order, quote.price, refuse=True)
    if spec.time_in_force in ("ioc", "fok") and order.is_open:
        release(account, position, order, "cancelled", "Not fillable at once (IOC/FOK).")
    return order


def _sized(spec, price: Decimal) -> int:
    """Whole shares for the order: its quantity, or what its dollar amount buys at ``price``."""
    if spec.quantity:
        return check_shares(spec.quantity)
    shares = shares_for_amount(spec.amount, price, costs(), spec.side)
    if shares < 1:
        raise ServiceError(f"${spec.amount} buys no whole share at ${price}.", field="amount")
    if shares > current_app.config["MAX_ORDER_QUANTITY"]:
        raise ServiceError(
            f"${spec.amount} at ${price} is more shares than one order may hold.", field="amount"
        )
    return shares


def check_shares(quantity: int, field: str = "quantity") -> int:
    """``quantity`` if one order may hold that many shares (MAX_ORDER_QUANTITY), else 400."""
    most = current_app.config["MAX_ORDER_QUANTITY"]
    if quantity > most:
        raise ServiceError(f"One order may hold at most {most:,} shares.", field=field)
    return quantity


def _worst_buy_price(order, price: Decimal) -> Decimal:
    # A stop already crossed fills at once at the quote, so reserve for the higher of the two.
    if order.order_execution_type in ("limit", "stop_limit"):
        return order.order_price
    return costs().collared(max(order.stop_price, price))


def _check_means(account, position, side, quantity, ticker, price, reserve=None) -> None:
    if side == "buy":
        need = reserve if reserve is not None else buy_cost(price, quantity, costs())
        if account.available_balance < need:
            raise ServiceError(
                f"Insufficient funds: this order needs ${format_money(need)}; "
                f"you have ${format_money(account.available_balance)} available.",
                field="quantity",
            )
        return
    free = position.quantity - position.reserved_quantity if position else 0
    if free < quantity:
        raise ServiceError(
            f"You have {free} shares of {ticker} free to sell; this order needs {quantity}.",
            field="quantity",
        )


def _new_order(
    account, spec: OrderSpec, ticker: str, quantity: int, time_in_force: str | None = None
) -> OrderRecord:
    now = utcnow()
    if time_in_force is None:
        time_in_force = spec.time_in_force if spec.kind != "market" else "ioc"
    order = OrderRecord.new(
        user_id=account.user_id,
        ticker=ticker,
        order_type=spec.side,
        order_execution_type=spec.kind,
        order_price=spec.limit,
        stop_price=spec.stop,
        trail_amount=spec.trail_amount,
        trail_percent=spec.trail_percent,
        time_in_force=time_in_force,
        order_quantity=quantity,
        requested_amount=spec.amount,
        source=spec.source,
        reserved_cash=Decimal("0.00"),
        total_commission=Decimal("0.00"),
        filled_quantity=0,
        order_status="pending",
        stop_triggered=False,
        created_at=now,
        updated_at=now,
    )
    trading_events.order_placed(order)
    return order


def act(
    account, position, order, price: Decimal, budget: int | None = None, refuse: bool = False
) -> int:
    """What ``price`` does to an open order: nothing, trigger its stop, or fill it.

    A triggered stop becomes a market order (it matches any price from then on); a
    triggered stop-limit becomes a limit order. A fill that cannot be paid rejects the
    order, or with ``refuse`` (at placement) raises so that nothing is stored.
    Returns the shares filled.
    """
    if past_its_close(order):
        expire(account, position, order)
        return 0
    if order.trigger_dir is None or not crosses(order.trigger_dir, order.trigger_price, price):
        return 0
    kind = order.order_execution_type
    if kind in ("stop", "stop_limit", "trailing_stop") and not order.stop_triggered:
        order.stop_triggered = True
        if kind == "stop_limit":
            order.trigger_dir, order.trigger_price = trigger(
                kind, order.order_type, limit=order.order_price, stop_triggered=True
            )
            return act(account, position, order, price, budget, refuse)
        order.trigger_dir, order.trigger_price = GE, Decimal("0")
    as_market = kind in ("stop", "trailing_stop", "market")
    if kind == "market":
        order.remark = None  # it no longer waits for the open
    fill_price = costs().slipped(price, order.order_type) if as_market else price
    quantity = fill_quantity(order, position, fill_price, budget)
    spent = budget is not None and budget < 1  # the tick's volume went to older orders
    if quantity < 1 and not spent and order.filled_quantity == 0 and order.requested_amount:
        reason = f"${order.requested_amount} buys no whole share at ${fill_price}."
        release(account, position, order, "rejected", reason)
    if quantity < 1:
        return 0
    try:
        apply_fill(account, position, order, fill_price, quantity)
    except ServiceError as exc:
        if refuse:
            raise
        release(account, position, order, "rejected", exc.message)
        return 0
    return quantity


def fill_quantity(order, position, price: Decimal, budget: int | None) -> int:
    """Shares to fill now: the rest, within the tick's budget. A dollar order is sized at
    this price and fills in one piece, so it never spends more than its amount nor
    exceeds MAX_ORDER_QUANTITY."""
    if budget is not None and budget < 1:
        return 0
    if sized_at_fill(order):
        shares = shares_for_amount(order.requested_amount, price, costs(), order.order_type)
        shares = min(shares, current_app.config["MAX_ORDER_QUANTITY"])
        if shares < 1:
            return 0
        if order.order_type == "sell" and holds_shares(order):
            shares = _resize_reserved(order, position, shares)
        order.order_quantity = shares
        return shares
    return order.remaining if budget is None else min(order.remaining, budget)


def _resize_reserved(order, position, shares: int) -> int:
    """A dollar sell that waited for the open, sized again at the opening price: its
    reservation follows (shares it no longer needs are freed), and it sells no more than
    it reserved and the shares still free."""
    free = position.quantity - position.reserved_quantity
    shares = min(shares, order.order_quantity + free)
    position.reserved_quantity += shares - order.order_quantity
    return shares


def sized_at_fill(order) -> bool:
    """Whether the order's shares are its dollar amount at the fill price. A DTS sell
    trigger keeps its amount for the record but sells the shares it reserved."""
    if order.requested_amount is None or order.filled_quantity:
        return False
    return not (order.source == "dts" and order.order_type == "sell")


def cancel(user, order_id: int, ip: str | None = None):
    """Cancel one of the user's open orders, releasing what it reserved. A day order past
    its close that the worker has not swept yet is closed as expired, which it is."""
    with transaction():
        account, position, order = locks.lock_own_order(db.session, user.user_id, order_id)
        if order is None:
            raise NotFound("No such order.")
        if not order.is_open:
            raise Conflict(f"This order is already {order.order_status}.")
        if past_its_close(order):
            expire(account, position, order)
        else:
            release(account, position, order, "cancelled", "Cancelled by the user.")
            audit.record(user, "order.cancel", ("order", order_id), None, ip)
    return order


def _detail(order) -> dict:
    return {
        "ticker": order.ticker,
        "side": order.order_type,
        "kind": order.order_execution_type,
        "quantity": order.order_quantity,
        "status": order.order_status,
    }
