"""Daily valuation of accounts: cash plus positions at each trading day's close.

Rebuilt from the cash ledger, the fills and the stored daily bars, so an account has a
curve from its first deposit (or from its latest reset); the worker rebuilds every
account once a day. Events on a weekend or an exchange holiday count on the next trading
day: a holiday has no close, and the returns are annualised over 252 trading days. A day
after the last stored bar (today, in the simulated market) is valued at the latest
stored quote.
Values are computed in floating point and stored to the cent: they are analysis
figures, not balances.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import delete, func, select

from extensions import db
from models import AccountReset, AccountValuation, CashLedger, MarketData, Transaction
from services import market
from services.db import lock_account, transaction
from services.universe import DTS_PREFIX
from services.upsert import upsert
from utils.clock import utcnow
from utils.market_data.hours import is_trading_day, next_trading_day, trading_days_between

FLOW_KINDS = ("deposit", "withdrawal")
CENT = Decimal("0.01")


def compute(user_id: int, through: date | None = None) -> pd.DataFrame:
    """The account's daily values (cash, positions_value, total_value, net_flow) by date.

    After an account reset the curve starts again at the reset: its starting balance
    counts as the first deposit, and only later fills and ledger rows count.
    """
    through = pd.Timestamp(through or utcnow().date())
    life = _current_life(user_id)
    ledger = pd.DataFrame(
        [*life.opening, *db.session.execute(
            select(CashLedger.created_at, CashLedger.amount, CashLedger.kind)
            .where(CashLedger.user_id == user_id, CashLedger.entry_id > life.after_entry)
            .order_by(CashLedger.entry_id)
        ).all()],
        columns=["at", "amount", "kind"],
    )  # fmt: skip
    if ledger.empty:
        return pd.DataFrame(columns=["cash", "positions_value", "total_value", "net_flow"])
    ledger["day"] = _trading_day(ledger["at"])
    first = ledger["day"].min()
    days = pd.DatetimeIndex(trading_days_between(first.date(), max(through, first).date()))
    amount = ledger["amount"].astype(float)
    cash = amount.groupby(ledger["day"]).sum().reindex(days, fill_value=0.0).cumsum()
    flows = amount.where(ledger["kind"].isin(FLOW_KINDS), 0.0).groupby(ledger["day"]).sum()
    out = pd.DataFrame({"cash": cash, "net_flow": flows.reindex(days, fill_value=0.0)})
    out["positions_value"] = _positions(user_id, days, life.after_fill)
    out["total_value"] = out["cash"] + out["positions_value"]
    return out


def fund_flows(user_id: int) -> tuple[float, float]:
    """(deposits, withdrawals) of the account's current life, each summed on its own (a
    day's deposit does not hide its withdrawal); a reset's starting balance is a deposit."""
    life = _current_life(user_id)
    rows = db.session.execute(
        select(CashLedger.kind, func.sum(CashLedger.amount))
        .where(
            CashLedger.user_id == user_id,
            CashLedger.entry_id > life.after_entry,
            CashLedger.kind.in_(FLOW_KINDS),
        )
        .group_by(CashLedger.kind)
    ).all()
    sums = {kind: float(total or 0) for kind, total in rows}
    opening = sum(float(amount) for _, amount, _ in life.opening)
    return sums.get("deposit", 0.0) + opening, -sums.get("withdrawal", 0.0)


def _trading_day(moments: pd.Series) -> pd.Series:
    days = pd.to_datetime(moments).dt.normalize()
    moved = {
        day: day if is_trading_day(day.date()) else pd.Timestamp(next_trading_day(day.date()))
        for day in days.unique()
    }
    return days.map(moved)


@dataclass(frozen=True)
class Life:
    """Where the account's current life starts: the ledger rows and fills after these
    ids, and the opening money of a reset (none before any reset)."""

    after_entry: int = 0
    after_fill: int = 0
    opening: tuple = ()


def _current_life(user_id: int) -> Life:
    reset = db.session.scalar(
        select(AccountReset)
        .where(AccountReset.user_id == user_id)
        .order_by(AccountReset.reset_id.desc())
        .limit(1)
    )
    if reset is None:
        return Life()
    entry = db.session.scalar(  # the reset's own ledger row, when the cash moved
        select(CashLedger.entry_id).where(
            CashLedger.reference_type == "reset", CashLedger.reference_id == reset.reset_id
        )
    )
    if entry is None:  # no row: the rows written before the reset's moment
        entry = db.session.scalar(
            select(func.max(CashLedger.entry_id)).where(
                CashLedger.user_id == user_id, CashLedger.created_at <= reset.created_at
            )
        )
    opening = ((reset.created_at, reset.starting_balance, "deposit"),)
    return Life(entry or 0, reset.after_transaction_id, opening)


def _positions(user_id: int, days: pd.DatetimeIndex, after_fill: int) -> pd.Series:
    fills = pd.DataFrame(
        db.session.execute(
            select(
                Transaction.transaction_time,
                Transaction.ticker,
                Transaction.transaction_type,
                Transaction.transaction_quantity,
                Transaction.transaction_amount,
                Transaction.commission,
            )
            .where(Transaction.user_id == user_id, Transaction.transaction_id > after_fill)
            .order_by(Transaction.transaction_id)
        ).all(),
        columns=["at", "ticker", "side", "quantity", "amount", "commission"],
    )
    if fills.empty:
        return pd.Series(0.0, index=days)
    fills["day"] = _trading_day(fills["at"])
    at_cost = fills["ticker"].str.startswith(DTS_PREFIX)
    value = _at_cost(fills[at_cost], days)
    fills = fills[~at_cost]
    if fills.empty:
        return value
    signed = fills["quantity"].where(fills["side"] == "buy", -fills["quantity"])
    held = fills.assign(signed=signed).pivot_table(
        index="day", columns="ticker", values="signed", aggfunc="sum"
    )
    held = held.reindex(days).fillna(0.0).cumsum()
    prices = _closes(list(held.columns), days)
    return value + (held * prices).sum(axis=1)


def _at_cost(fills: pd.DataFrame, days: pd.DatetimeIndex) -> pd.Series:
    """DTS holdings have no market price: they count at their cost (buy commissions
    included), as the portfolio page values them; a sale takes its shares' part of it."""
    total = pd.Series(0.0, index=days)
    for _, rows in fills.groupby("ticker"):
        quantity, cost, by_day = 0, 0.0, {}
        for row in rows.itertuples():
            if row.side == "buy":
                quantity += row.quantity
                cost += float(row.amount) + float(row.commission or 0)
            else:
                part = cost if row.quantity >= quantity else cost * row.quantity / quantity
                cost, quantity = cost - round(part, 2), quantity - row.quantity
            by_day[row.day] = cost
        total += pd.Series(by_day).reindex(days).ffill().fillna(0.0)
    return total


def _closes(tickers: list[str], days: pd.DatetimeIndex) -> pd.DataFrame:
    start = (days[0] - timedelta(days=10)).date()
    rows = db.session.execute(
        select(MarketData.date, MarketData.ticker, MarketData.close).where(
            MarketData.ticker.in_(tickers), MarketData.date >= start
        )
    ).all()
    frame = pd.DataFrame(rows, columns=["date", "ticker", "close"])
    frame["close"] = frame["close"].astype(float)
    table = frame.pivot(index="date", columns="ticker", values="close")
    table.index = pd.to_datetime(table.index)
    table = table.reindex(columns=tickers)
    last_bar = table.index.max() if len(table) else None
    table = table.reindex(table.index.union(days)).sort_index().ffill()
    later = [d for d in days if last_bar is None or d > last_bar]
    if later:
        quotes = market.stored_quotes(tickers)
        for ticker, quote in quotes.items():
            table.loc[later, ticker] = float(quote.price)
    return table.reindex(days).fillna(0.0)


def rebuild(user_id: int, through: date | None = None) -> int:
    """Replace the account's stored valuation with a fresh one; returns the days stored.

    The account row is locked first (the money operations' lock order), so two rebuilds
    of one account, or a rebuild and a fill, follow one another.
    """
    db.session.commit()  # start the transaction at the lock, not at an earlier read
    with transaction():
        lock_account(user_id)
        frame = compute(user_id, through)
        now = utcnow()
        rows = [
            {
                "user_id": user_id,
                "date": day.date(),
                **{k: Decimal(str(row[k])).quantize(CENT) for k in frame.columns},
                "computed_at": now,
            }
            for day, row in frame.iterrows()
        ]
        db.session.execute(delete(AccountValuation).where(AccountValuation.user_id == user_id))
        if rows:
            upsert(AccountValuation, rows, ["user_id", "date"])
    return len(rows)


def rebuild_due(limit: int) -> int:
    """Rebuild up to ``limit`` accounts not yet valued today (the worker's daily job, done
    a batch per tick so that it never holds up pricing and fills); returns how many."""
    today = datetime.combine(utcnow().date(), datetime.min.time())
    fresh = select(AccountValuation.user_id).where(AccountValuation.computed_at >= today)
    users = db.session.scalars(
        select(CashLedger.user_id)
        .where(CashLedger.user_id.not_in(fresh))
        .distinct()
        .order_by(CashLedger.user_id)
        .limit(limit)
    ).all()
    for user_id in users:
        rebuild(user_id)
    return len(users)


def stored(user_id: int) -> pd.DataFrame:
    """The stored valuation rows of an account, by date (floats)."""
    rows = db.session.execute(
        select(
            AccountValuation.date,
            AccountValuation.cash,
            AccountValuation.positions_value,
            AccountValuation.total_value,
            AccountValuation.net_flow,
        )
        .where(AccountValuation.user_id == user_id)
        .order_by(AccountValuation.date)
    ).all()
    frame = pd.DataFrame(
        rows, columns=["date", "cash", "positions_value", "total_value", "net_flow"]
    )
    return frame.set_index("date").astype(float)
