"""Monte Carlo price paths by geometric Brownian motion, vectorised with NumPy.

A daily log return of a GBM is normal with mean (mu - sigma^2/2) and variance sigma^2,
so the sample mean of historical log returns already *is* the drift of the log price:
the paths add that mean as it is, without subtracting sigma^2/2 a second time.

Days are drawn in blocks of ``BLOCK`` rows (days x paths); each block is cut into
``SPLIT`` row ranges, each with its own generator from ``SeedSequence.spawn``, so two
threads can draw at once and a seed gives the same answer whatever the thread count.
Only the percentile bands per day and the terminal distribution are kept, never paths.

A single stock's paths are kept as random walks of the standard normals themselves:
the log price on day t is mu * t + sigma * walk, the same increasing map for every
path of that day, so the day's percentiles are those of the walks mapped once, and no
draw is scaled or shifted. The percentiles are exact (linear interpolation between
order statistics, as np.percentile). Since a walk on day d is exactly N(0, d), each
band is looked for in a narrow window around the normal quantile: the day's walks are
compared and counted against the window, and only the few inside are selected
(utils.analysis.percentiles.window_percentiles; exact even when a window misses).
One buffer of a block's rows serves every block, so fresh memory is touched once a run.
With antithetic pairs (an even number of paths) half the walks are drawn and the
others are their negatives; the bands are then signed order statistics of the drawn
walks' magnitudes (mirrored_percentiles), which halves both the draw and the bands.
"""

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from statistics import NormalDist

import numpy as np

from utils.analysis.percentiles import (
    mirrored_percentiles,
    positions,
    row_percentiles,
    window_percentiles,
)

QUANTILES = (5, 25, 50, 75, 95)
BLOCK = 32
SPLIT = 2
HIST_BINS = 40
WIDTH = 4.0  # half-width of a band's search window, in standard errors of its quantile
COUNT_MARGIN = 30  # and, around the smallest magnitudes, about this many values more
CELL_BUDGET = 4_000_000  # floats per block of a portfolio run (days x paths x assets)


class NotPositiveDefinite(ValueError):
    """The covariance matrix has no Cholesky factor (collinear or constant holdings)."""


def fit(prices: np.ndarray) -> tuple[float, float]:
    """Daily drift and volatility of the log price: mean and sample std of log returns."""
    logs = np.diff(np.log(np.asarray(prices, dtype=float)))
    return float(np.mean(logs)), float(np.std(logs, ddof=1))


def _blocks(days: int, block: int) -> list[tuple[int, int]]:
    return [(a, min(a + block, days)) for a in range(0, days, block)]


def _parts(rows: int, split: int) -> list[tuple[int, int]]:
    edges = np.linspace(0, rows, split + 1).astype(int)
    return [(int(a), int(b)) for a, b in pairwise(edges) if b > a]


def _seeds(seed: int | None, count: int) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(seed).spawn(count)


def simulate(
    s0: float,
    mu: float,
    sigma: float,
    days: int,
    paths: int,
    seed=None,
    workers: int = 2,
    antithetic: bool = True,
) -> dict:
    """Simulate ``paths`` GBM paths of ``days`` trading days from price ``s0``.

    ``mu`` and ``sigma`` are the daily mean and standard deviation of the log return.
    With ``antithetic`` and an even ``paths``, half the paths are drawn and the other
    half are their mirror images (every draw z used again as -z): antithetic variates.
    A mirrored path has the law of a drawn one, so every estimate targets the same
    quantity (the mean terminal value stays unbiased); the mean and median gain
    precision and the draw costs half. Returns {"bands": (days, 5) price percentiles,
    "terminal": stats of the last day, "antithetic": whether the paths were paired}.
    """
    paired = antithetic and paths % 2 == 0
    drawn = paths // 2 if paired else paths
    band = _mirrored_bands if paired else _walk_bands
    blocks = _blocks(days, BLOCK)
    seeds = iter(_seeds(seed, len(blocks) * SPLIT))
    walk = np.zeros(drawn)  # per path, the sum of its standard normals so far
    bands = np.empty((days, len(QUANTILES)))
    workers = max(1, workers)
    buffer = np.empty((min(BLOCK, days), drawn))  # reused by every block: touched once
    with ThreadPoolExecutor(workers) as pool:
        for a, b in blocks:
            z = buffer[: b - a]
            walk = _walk(pool, workers, z, walk, [next(seeds) for _ in range(SPLIT)])
            jobs = [(z[r0:r1], a + 1 + r0) for r0, r1 in _parts(len(z), workers)]
            bands[a:b] = np.concatenate(list(pool.map(lambda j: band(*j), jobs)), axis=0)
    if paired:
        walk = np.concatenate([walk, -walk])
    # log price on day t = mu * t + sigma * walk: an increasing map of each day's walks,
    # so it carries their percentiles over and the draws are never scaled one by one
    drift = mu * np.arange(1, days + 1)[:, None]
    level = mu * days + sigma * walk
    return {
        "bands": s0 * np.exp(drift + sigma * bands),
        "terminal": terminal_stats(s0 * np.exp(level), s0, level),
        "antithetic": paired,
    }


def _walk(pool, workers: int, z: np.ndarray, walk, seeds) -> np.ndarray:
    """Fill ``z`` (days x paths) with random walks of standard normals continuing ``walk``."""
    jobs = [(z[r0:r1], seq) for (r0, r1), seq in zip(_parts(len(z), SPLIT), seeds, strict=False)]
    list(pool.map(lambda job: np.random.default_rng(job[1]).standard_normal(out=job[0]), jobs))
    columns = _parts(z.shape[1], workers)
    list(pool.map(lambda c: _accumulate(z[:, c[0] : c[1]], walk[c[0] : c[1]]), columns))
    return z[-1].copy()


def _accumulate(z: np.ndarray, start: np.ndarray) -> None:
    # day by day along contiguous rows: cumsum along axis 0 walks the columns with a stride
    np.add(z[0], start, out=z[0])
    for d in range(1, len(z)):
        np.add(z[d], z[d - 1], out=z[d])


def _bands(rows: np.ndarray) -> np.ndarray:
    return row_percentiles(rows, QUANTILES)


def _walk_bands(rows: np.ndarray, first_day: int) -> np.ndarray:
    """Percentile bands of walks of standard normals, day ``first_day`` in the first row.

    On day d a walk is N(0, d) exactly, so each band is looked for within WIDTH standard
    errors of its sample quantile around the normal quantile (see window_percentiles).
    """
    days = np.sqrt(np.arange(first_day, first_day + len(rows), dtype=float))[:, None]
    centre, spread = _normal_windows(rows.shape[1])
    return window_percentiles(rows, QUANTILES, days * (centre - spread), days * (centre + spread))


def _mirrored_bands(rows: np.ndarray, first_day: int) -> np.ndarray:
    """The bands of walks joined with their mirror images (see mirrored_percentiles).

    On day d a walk's magnitude is that of N(0, d): rank j of m magnitudes is looked
    for within WIDTH standard errors of the half-normal quantile, and, for the smallest
    ones, around enough of them (COUNT_MARGIN) that the window is never empty.
    """
    m = rows.shape[1]
    days = np.sqrt(np.arange(first_day, first_day + len(rows), dtype=float))
    normal = NormalDist()

    def window(j: int):
        p = j / max(m - 1, 1)
        centre = normal.inv_cdf(min((1 + p) / 2, 1 - 0.25 / m))
        spread = (WIDTH * np.sqrt(p * (1 - p) * m) + COUNT_MARGIN) / (2 * normal.pdf(centre) * m)
        return days * (centre - spread), days * (centre + spread)

    return mirrored_percentiles(rows, QUANTILES, window)


def _normal_windows(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles of N(0, 1) at the bands' ranks among ``n``, and WIDTH standard errors
    of the sample quantiles there (sqrt(p(1 - p) / n) / density)."""
    pos, _ = positions(n, QUANTILES)
    p = np.clip(pos / max(n - 1, 1), 0.5 / n, 1 - 0.5 / n)
    normal = NormalDist()
    centre = np.array([normal.inv_cdf(x) for x in p])
    density = np.array([normal.pdf(x) for x in centre])
    return centre, WIDTH * np.sqrt(p * (1 - p) / n) / density


def terminal_stats(values: np.ndarray, start: float, log_returns=None) -> dict:
    """Statistics of terminal values: mean, median, percentiles, P(end < start), VaR/CVaR.

    VaR and CVaR at 95 % are losses from ``start`` in price units (positive = a loss).
    ``log_returns`` (log of value over start) adds their mean and variance when given.
    """
    pct = np.percentile(values, QUANTILES)
    tail = values[values <= pct[0]]
    low, high = np.percentile(values, (0.5, 99.5))
    counts, edges = np.histogram(np.clip(values, low, high), bins=HIST_BINS, range=(low, high))
    stats = {
        "start": float(start),
        "mean": float(np.mean(values)),
        "median": float(pct[2]),
        "std": float(np.std(values, ddof=1)),
        "percentiles": {str(q): float(v) for q, v in zip(QUANTILES, pct, strict=True)},
        "prob_below_start": float(np.mean(values < start)),
        "var_95": float(start - pct[0]),
        "cvar_95": float(start - np.mean(tail)),
        "expected_return": float(np.mean(values) / start - 1.0),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }
    if log_returns is not None:
        stats["log_return_mean"] = float(np.mean(log_returns))
        stats["log_return_var"] = float(np.var(log_returns, ddof=1))
    return stats


def cholesky(cov: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor of ``cov``; NotPositiveDefinite when it has none."""
    try:
        return np.linalg.cholesky(np.asarray(cov, dtype=float))
    except np.linalg.LinAlgError:
        raise NotPositiveDefinite("covariance matrix is not positive definite") from None


def correlated_steps(mu: np.ndarray, factor: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Correlated daily log returns: ``mu + z @ factor.T`` for standard normals ``z``."""
    out = z @ factor.T
    out += mu
    return out


def simulate_portfolio(
    values: np.ndarray,
    mu: np.ndarray,
    cov: np.ndarray,
    days: int,
    paths: int,
    seed=None,
    workers: int = 2,
) -> dict:
    """Simulate a portfolio of holdings worth ``values`` today with correlated GBM prices.

    ``mu`` (k,) and ``cov`` (k, k) are the daily mean and covariance of the holdings'
    log returns. Returns bands and terminal statistics of the total value, as simulate().
    """
    values = np.asarray(values, dtype=float)
    factor = cholesky(cov)
    k = len(values)
    block = max(1, min(BLOCK, CELL_BUDGET // (paths * k)))
    blocks = _blocks(days, block)
    seeds = iter(_seeds(seed, len(blocks) * SPLIT))
    logs = np.zeros((paths, k))
    bands = np.empty((days, len(QUANTILES)))
    total = np.full(paths, values.sum())
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for a, b in blocks:
            parts = [(r0, r1, next(seeds)) for r0, r1 in _parts(b - a, SPLIT)]
            steps = list(pool.map(lambda p: _portfolio_steps(p, paths, mu, factor), parts))
            x = np.concatenate(steps, axis=0)
            x[0] += logs
            np.cumsum(x, axis=0, out=x)
            logs = x[-1].copy()
            np.exp(x, out=x)
            worth = x @ values
            total = worth[-1]
            bands[a:b] = _bands(worth)
    start = float(values.sum())
    return {"bands": bands, "terminal": terminal_stats(total, start, np.log(total / start))}


def _portfolio_steps(part, paths: int, mu, factor) -> np.ndarray:
    r0, r1, seq = part
    z = np.random.default_rng(seq).standard_normal((r1 - r0, paths, len(mu)))
    return correlated_steps(mu, factor, z)
