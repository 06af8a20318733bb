"""Reading what yfinance 1.7.0 returns into PaperDesk's value types.

Shapes, from the installed yfinance source:
- ``download(..., group_by="ticker")``: columns are a MultiIndex (Ticker, Price) even for
  one ticker; Price is Open, High, Low, Close, Adj Close, Volume (auto_adjust=False);
  the index is the naive date. A ticker Yahoo has no data for is all NaN.
- ``Ticker.history()``: columns Open, High, Low, Close[, Adj Close], Volume[, Dividends,
  Stock Splits]; a tz-aware DatetimeIndex in the exchange's zone; empty for unknown tickers.
- ``Ticker.balance_sheet`` / ``income_stmt``: line items as rows, period end dates as
  columns (newest first), floats with NaN; an empty frame when Yahoo has nothing.
"""

from datetime import date, datetime

from utils.market_data.base import Bar, Fundamentals, Profile, Quote, Statement
from utils.market_data.convert import PRICE_STEP, to_decimal, to_int, to_price
from utils.market_data.hours import exchange_session

SOURCE = "yfinance"
_FUNDAMENTAL_KEYS = {
    "market_cap": "marketCap",
    "pe_ratio": "trailingPE",
    "pb_ratio": "priceToBook",
    "dividend_yield": "dividendYield",
    "revenue": "totalRevenue",
    "net_income": "netIncomeToCommon",
    "eps": "trailingEps",
}
_STATEMENT_NAMES = {"balance_sheet": "balance sheet", "income_statement": "income statement"}


def ticker_frame(frame, symbol: str):
    """The columns of one ticker in a download() frame, or None if it is not there."""
    if frame is None or getattr(frame, "empty", True):
        return None
    columns = frame.columns
    if getattr(columns, "nlevels", 1) == 1:
        return frame
    level = "Ticker" if "Ticker" in columns.names else 0
    if symbol not in columns.get_level_values(level):
        return None
    return frame.xs(symbol, axis=1, level=level)


def quote_from_frame(frame, symbol: str, as_of: datetime) -> Quote | None:
    """A quote from a ticker's daily rows (last row = today so far), None if it has none.

    ``as_of`` is when the rows were fetched; a quote whose session had closed by then is
    as of that close (Friday's close fetched on Saturday is Friday's, not Saturday's).
    """
    rows = ticker_frame(frame, symbol)
    if rows is None or "Close" not in rows.columns:
        return None
    rows = rows.dropna(subset=["Close"])
    if rows.empty:
        return None
    last = rows.iloc[-1]
    price = to_price(last["Close"])
    previous = to_price(rows.iloc[-2]["Close"]) if len(rows) > 1 else None
    change = price - previous if previous else None
    return Quote(
        ticker=symbol,
        price=price,
        open=to_price(last.get("Open")),
        high=to_price(last.get("High")),
        low=to_price(last.get("Low")),
        previous_close=previous,
        change=change,
        change_percent=(change * 100 / previous).quantize(PRICE_STEP) if previous else None,
        volume=to_int(last.get("Volume")),
        as_of=min(as_of, exchange_session(_row_date(rows.index[-1])).closes),
        source=SOURCE,
        stale=False,
    )


def _row_date(stamp) -> date:
    return stamp.date() if hasattr(stamp, "date") else stamp


def bars_from_frame(frame) -> list[Bar]:
    """Daily bars, oldest first, from a history() frame; rows without a close are skipped.

    Yahoo's bars now and then have a close a cent outside the high-low range; the
    range is widened to hold open and close so every bar is self-consistent.
    """
    if frame is None or getattr(frame, "empty", True):
        return []
    adj = "Adj Close" if "Adj Close" in frame.columns else "Close"
    columns = ["Open", "High", "Low", "Close", adj, "Volume"]
    bars = []
    for stamp, *values in frame[columns].itertuples(index=True, name=None):
        bar = _bar(_as_date(stamp), values)
        if bar is not None:
            bars.append(bar)
    bars.sort(key=lambda bar: bar.date)
    return bars


def _bar(day: date, values) -> Bar | None:
    open_, high, low, close, adj_close = (to_price(v) for v in values[:5])
    if close is None:
        return None
    open_ = close if open_ is None else open_
    high = max(x for x in (high, open_, close) if x is not None)
    low = min(x for x in (low, open_, close) if x is not None)
    volume = to_int(values[5]) or 0
    return Bar(day, open_, high, low, close, adj_close or close, volume)


def profile_from_info(symbol: str, info: dict) -> Profile | None:
    """A profile from Ticker.info, None when the info names no company at all."""
    name = info.get("longName") or info.get("shortName")
    if not name and not info.get("quoteType"):
        return None
    return Profile(symbol, name, info.get("sector"), info.get("industry"), SOURCE)


def fundamentals_from_info(symbol: str, info: dict, today: date) -> Fundamentals:
    """Headline figures from Ticker.info; absent ones stay None.

    ``dividend_yield`` is Yahoo's ``dividendYield`` unchanged (check its unit before
    showing it: Yahoo has reported it both as a fraction and as a percentage).
    """
    values = {field: to_decimal(info.get(key)) for field, key in _FUNDAMENTAL_KEYS.items()}
    available = any(value is not None for value in values.values())
    return Fundamentals(
        ticker=symbol,
        as_of_date=today,
        **values,
        available=available,
        source=SOURCE,
        note=None if available else "Yahoo has no fundamentals for this ticker",
    )


def statement_from_frame(symbol: str, kind: str, frame) -> Statement:
    """A statement from a balance_sheet / income_stmt frame, periods newest first."""
    if frame is None or getattr(frame, "empty", True):
        note = f"Yahoo has no {_STATEMENT_NAMES[kind]} for this ticker"
        return Statement(symbol, kind, [], available=False, source=SOURCE, note=note)
    periods = [
        {
            "period": _as_date(column),
            "items": {str(item): to_decimal(value) for item, value in frame[column].items()},
        }
        for column in frame.columns
    ]
    periods.sort(key=lambda period: period["period"], reverse=True)
    return Statement(symbol, kind, periods, available=True, source=SOURCE)


def _as_date(value) -> date:
    if isinstance(value, datetime):  # pandas Timestamp is a datetime
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
