"""Exact percentiles of the rows of a matrix, as np.percentile(rows, q, axis=1).T (linear).

Two ways to the same order statistics:

- ``row_percentiles`` partitions each row in place around one rank at a time.
- ``window_percentiles`` takes, for each percentile, a window of values expected to hold
  its ranks: it counts the values below the window and selects among the few inside it,
  so a row is only compared and counted, never partitioned whole. A window that misses
  its ranks falls back to a partition, so the answer is exact whatever the guess.

Why the second exists: on CPUs whose AVX-512 compress-store is microcoded (AMD Zen 4),
NumPy's vectorised partition of float64 runs at about 10 ns a value, slower than its
AVX2 path and no faster than the scalar one, while comparisons and counts stay at a
fraction of a nanosecond. One partition of a 100,000-path day then costs more than
drawing that day's normals.
"""

import numpy as np

WINDOW_MIN = 4096  # shorter rows are partitioned: cheap, and their windows would be wide


def positions(n: int, quantiles) -> tuple[np.ndarray, np.ndarray]:
    """Fractional rank of each percentile among ``n`` values, and its lower whole rank."""
    pos = np.asarray(quantiles, dtype=float) / 100.0 * (n - 1)
    return pos, np.floor(pos).astype(int)


def row_percentiles(rows: np.ndarray, quantiles) -> np.ndarray:
    """np.percentile(rows, quantiles, axis=1).T (linear), partitioning ``rows`` in place.

    The lower rank of each percentile is selected by nested one-rank partitions (see
    _select); the next rank is then the minimum of the segment above it. No copy.
    """
    n = rows.shape[1]
    pos, low = positions(n, quantiles)
    ranks = np.unique(low).tolist()
    _select(rows, ranks, 0, n)
    following = dict(zip(ranks, [*ranks[1:], n - 1], strict=True))
    out = np.empty((len(rows), len(low)), dtype=np.result_type(rows.dtype, np.float64))
    for i, k in enumerate(low.tolist()):
        below = rows[:, k]
        above = rows[:, k + 1 : following[k] + 1].min(axis=1) if k + 1 < n else below
        out[:, i] = below + (above.astype(out.dtype) - below) * (pos[i] - k)
    return out


def _select(rows: np.ndarray, ranks: list[int], lo: int, hi: int) -> None:
    """Put each rank of ``ranks`` (all in [lo, hi)) in its sorted place along axis 1.

    One rank at a time, the one nearest the middle of the columns first, then each side
    on its own columns: NumPy selects one rank with a vectorised quickselect but several
    at once with a scalar introselect.
    """
    if not ranks:
        return
    centre = (lo + hi) / 2
    mid = min(range(len(ranks)), key=lambda i: abs(ranks[i] - centre))
    k = ranks[mid]
    rows[:, lo:hi].partition(k - lo, axis=1)
    _select(rows, ranks[:mid], lo, k)
    _select(rows, ranks[mid + 1 :], k + 1, hi)


def window_percentiles(rows: np.ndarray, quantiles, low: np.ndarray, high: np.ndarray):
    """np.percentile(rows, quantiles, axis=1).T (linear) of finite rows, left as they are.

    ``low`` and ``high`` (len(rows) x len(quantiles)) bound the values where each
    percentile is expected; the narrower, the faster, and exact whatever they are: a
    window that misses its ranks falls back to a partition of the row.
    """
    n = rows.shape[1]
    if n < WINDOW_MIN:
        return row_percentiles(rows.copy(), quantiles)
    pos, ranks = positions(n, quantiles)
    out = np.empty((len(rows), len(ranks)))
    below, inside = np.empty(n, dtype=bool), np.empty(n, dtype=bool)
    for r, row in enumerate(rows):
        for i, k in enumerate(ranks.tolist()):
            pair = _ranks_in_window(row, k, low[r, i], high[r, i], below, inside)
            if pair is None:
                pair = _ranks_by_partition(row, k)
            out[r, i] = pair[0] + (pair[1] - pair[0]) * (pos[i] - k)
    return out


def _ranks_in_window(row, k: int, lo: float, hi: float, below, inside):
    """Order statistics k and k + 1 of ``row`` if both lie in [lo, hi), else None.

    Two comparisons and a count over the row; only the values inside are selected.
    """
    if not lo < hi:
        return None
    np.less(row, lo, out=below)
    start = np.count_nonzero(below)
    np.less(row, hi, out=inside)
    np.not_equal(inside, below, out=inside)  # below lo implies below hi: lo <= value < hi
    values = np.compress(inside, row)
    last = min(k + 1, len(row) - 1)
    if not start <= k or not last < start + len(values):
        return None
    j = k - start
    values.partition(j)
    following = values[j + 1 :].min() if last > k else values[j]
    return float(values[j]), float(following)


def _ranks_by_partition(row, k: int) -> tuple[float, float]:
    values = row.copy()
    values.partition(k)
    following = values[k + 1 :].min() if k + 1 < len(values) else values[k]
    return float(values[k]), float(following)


def mirrored_percentiles(rows: np.ndarray, quantiles, window) -> np.ndarray:
    """np.percentile of each row joined with its negation (2m values), from the m it holds.

    The m largest of x and -x are the absolute values |x|, and the m smallest their
    negatives, so every order statistic is one of |x|, signed. ``window(j)`` gives the
    bounds (two arrays, one value per row) where rank j of |x| is expected; a rank is
    found as window_percentiles finds it, exact whatever the window.
    """
    m = rows.shape[1]
    pos, low = positions(2 * m, quantiles)
    plans = [_mirror_plan(int(k), m) for k in low]
    out = np.empty((len(rows), len(low)))
    size = m if m >= WINDOW_MIN else 0
    magnitude, below, inside = np.empty(m), np.empty(size, dtype=bool), np.empty(size, dtype=bool)
    bounds = {j: window(j) for j in {plan[0] for plan in plans}}
    for r, row in enumerate(rows):
        np.abs(row, out=magnitude)
        found = {}
        for i, (j, pick) in enumerate(plans):
            if j not in found:
                found[j] = _pair(magnitude, j, bounds[j][0][r], bounds[j][1][r], below, inside)
            first, second = pick(*found[j])
            out[r, i] = first + (second - first) * (pos[i] - low[i])
    return out


def _mirror_plan(k: int, m: int):
    """Rank j of |x| whose pair (|x|_(j), |x|_(j+1)) gives order statistics k and k + 1."""
    if k >= m:  # both in the upper half, |x| as they are
        return k - m, lambda a, b: (a, b)
    if k == m - 1:  # straddling zero: minus and plus the smallest |x|
        return 0, lambda a, b: (-a, a)
    return m - 2 - k, lambda a, b: (-b, -a)


def _pair(values, j: int, lo: float, hi: float, below, inside) -> tuple[float, float]:
    if len(below):
        pair = _ranks_in_window(values, j, lo, hi, below, inside)
        if pair is not None:
            return pair
    return _ranks_by_partition(values, j)
