"""What to answer when the live source fails: its last good value, or a fallback provider's.

Such answers are marked ``stale=True``. Lists of bars have no flag, so history is
only ever served stale from the source's own cache, never from another source.
"""

import threading
from dataclasses import replace

from utils.market_data.base import MarketDataError, MarketDataProvider, Quote
from utils.market_data.resilience import TTLCache


class StaleAnswers:
    """Stale answers from ``cache`` (values kept past their TTL) or from ``fallback``.

    ``fallback`` is None, a provider, or a callable returning one, called once on
    first need so that an unused fallback costs nothing.
    """

    def __init__(self, cache: TTLCache, fallback=None):
        self._cache = cache
        self._fallback = fallback
        self._lock = threading.Lock()

    def provider(self) -> MarketDataProvider | None:
        """The fallback provider, built now if it was given as a factory."""
        with self._lock:
            if self._fallback is not None and not isinstance(self._fallback, MarketDataProvider):
                self._fallback = self._fallback()
            return self._fallback

    def one(self, key, ask_fallback=None):
        """The last value cached under ``key``, else ``ask_fallback(provider)``, else None."""
        value = self._cache.last(key)
        if value is None and ask_fallback is not None:
            provider = self.provider()
            try:
                value = ask_fallback(provider) if provider is not None else None
            except MarketDataError:
                value = None
        if value is None or isinstance(value, list):
            return value
        return replace(value, stale=True)

    def quotes(self, symbols: list[str]) -> dict[str, Quote]:
        """Stale quotes for as many of ``symbols`` as the cache and the fallback can give."""
        found = {}
        for symbol in symbols:
            quote = self._cache.last(("quote", symbol))
            if quote is not None:
                found[symbol] = replace(quote, stale=True)
        rest = [symbol for symbol in symbols if symbol not in found]
        provider = self.provider() if rest else None
        if provider is None:
            return found
        known = set(provider.tickers())
        try:
            answers = provider.quotes([symbol for symbol in rest if symbol in known])
        except MarketDataError:
            answers = {}
        found.update({symbol: replace(quote, stale=True) for symbol, quote in answers.items()})
        return found
