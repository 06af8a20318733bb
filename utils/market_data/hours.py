"""When the market trades: New York Stock Exchange sessions (exchange-calendars, XNYS).

Two modes share the same trading days (holidays skipped, early closes kept):

- ``exchange``: a session runs from the exchange's open to its close (09:30-16:00 ET,
  13:00 on early-close days); between sessions the market is closed.
- ``always``: the practice market never closes. The session of trading day D runs from
  the daily cut-off after the previous trading day to the cut-off on D, so weekends and
  holidays trade too and belong to the next trading day.

Times are naive UTC, as everywhere in PaperDesk.
"""

import bisect
import threading
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MODES = ("exchange", "always")
EXCHANGE = "XNYS"
NEW_YORK = ZoneInfo("America/New_York")
# The calendar is built once per process for this span; days outside it fall back to
# weekdays at the regular hours.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2040, 12, 31)
_schedule: tuple[list[date], list[datetime], list[datetime]] | None = None
_schedule_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Session:
    """One trading day's session: its date and when it opens and closes (naive UTC)."""

    day: date
    opens: datetime
    closes: datetime

    @property
    def seconds(self) -> float:
        """The session's length in seconds."""
        return (self.closes - self.opens).total_seconds()


def _load() -> tuple[list[date], list[datetime], list[datetime]]:
    global _schedule
    with _schedule_lock:
        if _schedule is None:
            import exchange_calendars

            with warnings.catch_warnings():  # its pandas 3 deprecations are not ours to fix
                warnings.simplefilter("ignore")
                calendar = exchange_calendars.get_calendar(EXCHANGE, start=FIRST_DAY, end=LAST_DAY)
                frame = calendar.schedule
            days = [stamp.date() for stamp in frame.index]
            opens = [_naive(stamp) for stamp in frame["open"]]
            closes = [_naive(stamp) for stamp in frame["close"]]
            _schedule = (days, opens, closes)
    return _schedule


def _naive(stamp) -> datetime:
    return stamp.to_pydatetime().astimezone(UTC).replace(tzinfo=None)


def _regular(day: date) -> tuple[datetime, datetime]:
    opens = datetime.combine(day, time(9, 30), NEW_YORK)
    closes = datetime.combine(day, time(16, 0), NEW_YORK)
    return (
        opens.astimezone(UTC).replace(tzinfo=None),
        closes.astimezone(UTC).replace(tzinfo=None),
    )


def is_trading_day(day: date) -> bool:
    """Whether the exchange trades on ``day`` (outside the calendar's span: a weekday)."""
    days = _load()[0]
    if not days[0] <= day <= days[-1]:
        return day.weekday() < 5
    index = bisect.bisect_left(days, day)
    return index < len(days) and days[index] == day


def exchange_session(day: date) -> Session:
    """The exchange's open and close on trading day ``day``."""
    days, opens, closes = _load()
    index = bisect.bisect_left(days, day)
    if index < len(days) and days[index] == day:
        return Session(day, opens[index], closes[index])
    return Session(day, *_regular(day))


def next_trading_day(day: date) -> date:
    """The first trading day after ``day``."""
    day += timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def previous_trading_day(day: date) -> date:
    """The last trading day before ``day``."""
    day -= timedelta(days=1)
    while not is_trading_day(day):
        day -= timedelta(days=1)
    return day


def trading_days_before(day: date, count: int) -> list[date]:
    """The ``count`` trading days strictly before ``day``, oldest first."""
    days = _load()[0]
    index = bisect.bisect_left(days, day)
    if days[0] <= day <= days[-1] and index >= count:
        return days[index - count : index]
    found = []
    while len(found) < count:
        day = previous_trading_day(day)
        found.append(day)
    return found[::-1]


def trading_days_between(first: date, last: date) -> list[date]:
    """The trading days from ``first`` to ``last``, both included."""
    days = []
    day = first if is_trading_day(first) else next_trading_day(first)
    while day <= last:
        days.append(day)
        day = next_trading_day(day)
    return days


class MarketHours:
    """Sessions in one mode (see the module docstring); ``cutoff`` is the always-mode
    daily cut-off in UTC."""

    def __init__(self, mode: str = "always", cutoff: time = time(21, 0)):
        if mode not in MODES:
            raise ValueError(f"market hours must be one of {', '.join(MODES)}")
        self.mode, self.cutoff = mode, cutoff

    def session(self, day: date) -> Session:
        """The session of trading day ``day``."""
        if self.mode == "exchange":
            return exchange_session(day)
        opens = datetime.combine(previous_trading_day(day), self.cutoff)
        return Session(day, opens, datetime.combine(day, self.cutoff))

    def current(self, moment: datetime) -> Session:
        """The session in progress at ``moment``, or else the next one to open."""
        day = moment.date() - timedelta(days=1)
        while True:
            if is_trading_day(day):
                session = self.session(day)
                if session.closes > moment:
                    return session
            day += timedelta(days=1)

    def is_open(self, moment: datetime) -> bool:
        """Whether prices move at ``moment``."""
        session = self.current(moment)
        return session.opens <= moment < session.closes

    def last_closed(self, moment: datetime) -> Session:
        """The latest session that closed at or before ``moment``."""
        return self.session(previous_trading_day(self.current(moment).day))

    def day_order_expiry(self, moment: datetime) -> datetime:
        """When a day order placed at ``moment`` expires: the close of the session in
        progress, or of the next one when the market is closed."""
        return self.current(moment).closes
