"""One tick of the worker: price the active universe, store it, build candles and fill the
orders from the new prices of the session (nothing while the market is closed), expire
day orders, publish."""

from collections.abc import Callable
from dataclasses import dataclass, field

from services import candles, market, market_clock, matching, universe
from services.dts import triggers as dts_triggers
from tasks import streams
from utils.candles import CandleAggregator
from utils.clock import epoch


@dataclass
class TickState:
    """What the lease holder carries between ticks."""

    intervals: tuple[int, ...] = (10, 60)
    aggregator: CandleAggregator = field(init=False)
    day_volume: dict = field(default_factory=dict)
    last_as_of: dict = field(default_factory=dict)
    streams: object = None  # tasks.streams.StreamState, made on the first tick

    def __post_init__(self) -> None:
        self.aggregator = CandleAggregator(self.intervals)


def run_tick(state: TickState, keep: Callable[[], None] = lambda: None) -> dict:
    """Run one tick and return what it did: tickers priced and candles closed.

    ``keep`` is called between phases (the worker renews its lease there; it raises to
    stop a tick whose lease another process has taken).
    """
    tickers = _priceable(universe.active_universe())
    quotes = market.refresh_quotes(tickers) if tickers else {}
    keep()
    now = epoch()
    closed, moved = [], []
    for quote in quotes.values():
        if quote.stale or state.last_as_of.get(quote.ticker) == quote.as_of:
            continue  # nothing new: a stored price (the provider failed) or the same one
        state.last_as_of[quote.ticker] = quote.as_of
        volume = _volume_since_last(state, quote.ticker, quote.volume or 0)
        moved.append((quote, volume))
    _forget_gaps(state, quotes)
    for quote, volume in _in_session(moved):  # a closing price seen later is no trade
        closed += state.aggregator.add(quote.ticker, now, quote.price, volume)
    closed += state.aggregator.flush(now)
    open_candles = [
        candle
        for ticker in quotes
        for interval in state.intervals
        if (candle := state.aggregator.current(ticker, interval)) is not None
    ]
    candles.store(closed, open_candles)
    keep()
    expired = matching.expire_due()  # first: a day order must not fill after the close
    moved = _in_session(moved)  # again: the close may have passed since the candles
    fills = 0
    for quote, volume in moved:
        keep()
        fills += matching.on_price(quote.ticker, quote.price, volume)
    fills += dts_triggers.on_tick()  # DTS symbols: priced by the DTS quote source, at all hours
    keep()
    done = {"tickers": len(quotes), "closed": len(closed), "fills": fills, "expired": expired}
    streams.publish_market(quotes, closed, now)
    stream_state = streams.ensure(state)
    done |= streams.on_prices(stream_state, [q for q, _ in moved], now)
    keep()
    done |= streams.consume(stream_state, now)
    return done


def _in_session(moved: list) -> list:
    """The (quote, volume) pairs priced in the session in progress. A closed exchange
    trades nothing: orders placed meanwhile wait for the first price of the session (a
    worker that starts on a Saturday sees Friday's close as new), and a price fetched
    just before the open is not that first price."""
    if not market_clock.is_open():
        return []
    opened = market_clock.session_start()
    return [(quote, volume) for quote, volume in moved if quote.as_of >= opened]


def _priceable(tickers: list[str]) -> list[str]:
    """The tickers the provider can price: one it does not know (a universe kept from
    another provider) must not stop the others' prices."""
    known = market.known_tickers()
    return [t for t in tickers if t in known]


def _forget_gaps(state: TickState, quotes: dict) -> None:
    """Forget the day's volume of the tickers not priced this tick (out of the universe,
    or only a stored quote while the provider fails): what traded meanwhile belongs to
    no candle, so their next price counts no volume, as a first one does."""
    gone = [t for t in state.day_volume if t not in quotes or quotes[t].stale]
    for ticker in gone:
        del state.day_volume[ticker]


def _volume_since_last(state: TickState, ticker: str, day_volume: int) -> int:
    # Quotes carry the day's cumulative volume; a candle wants what traded since the last one.
    previous = state.day_volume.get(ticker)
    state.day_volume[ticker] = day_volume
    if previous is None or day_volume < previous:
        return 0 if previous is None else day_volume
    return day_volume - previous
