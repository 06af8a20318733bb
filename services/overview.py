"""The markets overview: every tradable stock with its quote, and the day's movers."""

from services import market, market_clock
from utils.market_data.catalog import load_catalog

MOVERS_SHOWN = 5


def overview() -> dict:
    """Rows for every priceable ticker (sorted by symbol), top gainers, losers and most
    active, the sectors present and the market status."""
    tickers = sorted(market.known_tickers())
    quotes = market.get_quotes(tickers)
    catalog = load_catalog()
    rows = [_row(t, quotes[t], catalog.get(t)) for t in tickers if t in quotes]
    return {
        "rows": rows,
        "sectors": sorted({r["sector"] for r in rows if r["sector"]}),
        **movers(rows),
        "market": market_clock.status(),
    }


def _row(ticker: str, quote, entry) -> dict:
    return {
        "ticker": ticker,
        "name": entry.name if entry else ticker,
        "sector": entry.sector if entry else "",
        "quote": quote,
    }


def movers(rows: list[dict], count: int = MOVERS_SHOWN) -> dict:
    """The ``count`` biggest gainers and losers by percentage change, and the most traded."""
    changed = [r for r in rows if r["quote"].change_percent is not None]
    by_change = sorted(changed, key=lambda r: (r["quote"].change_percent, r["ticker"]))
    gainers = [r for r in reversed(by_change) if r["quote"].change_percent > 0][:count]
    losers = [r for r in by_change if r["quote"].change_percent < 0][:count]
    active = sorted(rows, key=lambda r: (-(r["quote"].volume or 0), r["ticker"]))[:count]
    return {"gainers": gainers, "losers": losers, "most_active": active}
