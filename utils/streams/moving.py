"""A moving average over the last N seconds, kept incrementally (O(1) per price)."""

from collections import deque


class MovingAverage:
    """The mean of the prices seen in the last ``seconds`` (a running sum and a queue)."""

    __slots__ = ("_points", "_sum", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._points: deque = deque()
        self._sum = 0.0

    def add(self, at: float, price: float) -> None:
        """Add a price seen at ``at`` (epoch seconds) and drop those older than the window."""
        self._points.append((at, price))
        self._sum += price
        self._trim(at)

    def _trim(self, now: float) -> None:
        points, horizon = self._points, now - self.seconds
        while points and points[0][0] <= horizon:
            self._sum -= points.popleft()[1]

    def mean(self) -> float | None:
        """The average of the window, or None when it holds no price."""
        return self._sum / len(self._points) if self._points else None

    def __len__(self) -> int:
        return len(self._points)


class Averages:
    """One MovingAverage per (ticker, window length), created when first asked for."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], MovingAverage] = {}
        self._by_ticker: dict[str, list[MovingAverage]] = {}

    def track(self, ticker: str, seconds: int) -> MovingAverage:
        """The average of ``ticker`` over ``seconds`` (fed from now on)."""
        key = (ticker, seconds)
        found = self._by_key.get(key)
        if found is None:
            found = self._by_key[key] = MovingAverage(seconds)
            self._by_ticker.setdefault(ticker, []).append(found)
        return found

    def add(self, ticker: str, at: float, price: float) -> None:
        """Feed a price to every average of ``ticker``."""
        for average in self._by_ticker.get(ticker, ()):
            average.add(at, price)
