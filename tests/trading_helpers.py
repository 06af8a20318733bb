"""A provider with scripted prices, and helpers for trading tests."""

from decimal import Decimal

from utils.clock import utcnow
from utils.market_data import Quote, SimProvider, UnknownTicker

D = Decimal


class ScriptedProvider(SimProvider):
    """The simulated market's tickers and history, with prices the test sets."""

    name = "sim"

    def __init__(self):
        super().__init__(seed=7)
        self.prices: dict[str, Decimal] = {}

    def set(self, ticker: str, price) -> None:
        self.prices[ticker] = Decimal(str(price)).quantize(Decimal("0.0001"))

    def quotes(self, tickers):
        unknown = [t for t in tickers if t not in self.tickers()]
        if unknown:
            raise UnknownTicker(unknown)
        now = utcnow()
        return {t: self._quote(t, now) for t in tickers}

    def _quote(self, ticker, now):
        price = self.prices.get(ticker, D("100.0000"))
        previous = D("100.0000")
        return Quote(
            ticker=ticker,
            price=price,
            open=previous,
            high=price,
            low=price,
            previous_close=previous,
            change=price - previous,
            change_percent=((price - previous) / previous * 100).quantize(D("0.0001")),
            volume=1_000_000,
            as_of=now,
            source="sim",
            stale=False,
        )
