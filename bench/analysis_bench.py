"""Analysis speed: Monte Carlo against the brief's day loop and the normal-variate floor,
and risk metrics for many tickers.

Run from the project root:  .venv/bin/python bench/analysis_bench.py [--paths N] [--days N]
[--repeat N]. Monte Carlo: one GBM run of N paths x D days (percentile bands per day and
terminal statistics) by utils.analysis.monte_carlo on 1 and 2 threads, against (a) the
brief's algorithm, a Python loop over the days that keeps every path (and the same loop
with our per-day bands), and (b) the floor,
drawing the N x D standard normals alone (one thread, two threads on halves, and one
thread into a buffer allocated beforehand, which leaves out the first touch of fresh
memory). simulate() runs as the application does (antithetic pairs for an even N: it
draws half the normals) and with independent paths (antithetic=False). Risk:
every metric of utils.analysis.risk for the 30 bundled tickers (5 years of daily bars)
against their equal-weight index, and the same set through empyrical as a reference.
Prints the median and best time of the repeats (the methods take turns in each round) and
the ratios of the medians; the load average before and after.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from utils.analysis import monte_carlo, risk  # noqa: E402
from utils.market_data.bars import bundled_tickers, load_bars  # noqa: E402

S0, MU, SIGMA = 100.0, 0.0004, 0.018


def median_time(fn, repeat: int) -> float:
    """The median wall time of ``repeat`` calls of ``fn``."""
    return medians({"f": fn}, repeat)["f"]


def timings(fns: dict, repeat: int) -> dict:
    """Wall times of each function, the functions taking turns in every round so that a
    busy spell on a shared machine hits them all alike."""
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def medians(fns: dict, repeat: int) -> dict:
    """The median wall time of each function over interleaved rounds (see timings)."""
    return {name: statistics.median(t) for name, t in timings(fns, repeat).items()}


def brief_loop(paths: int, days: int, bands: bool, seed: int = 1):
    """The brief's algorithm: a path matrix filled day by day from the legacy global
    generator, terminal mean and 5/95 percentiles; ``bands`` adds our per-day percentile
    bands so that it yields what simulate() yields. (The brief also returns every path as
    Python lists, which alone costs more than all of this; it is left out.)"""
    np.random.seed(seed)
    prices = np.empty((days + 1, paths))
    prices[0] = S0
    drift = MU - 0.5 * SIGMA**2  # the brief subtracts it again; kept to time the same work
    for t in range(1, days + 1):
        prices[t] = prices[t - 1] * np.exp(drift + SIGMA * np.random.standard_normal(paths))
    terminal = prices[-1]
    out = terminal.mean(), np.percentile(terminal, (5, 95))
    if bands:
        out += (np.percentile(prices[1:], monte_carlo.QUANTILES, axis=1),)
    return out


def floor_one(paths: int, days: int):
    np.random.default_rng(1).standard_normal((days, paths))


def floor_reused(out: np.ndarray):
    """The floor without the first touch of fresh memory: normals into a buffer that was
    allocated and written once before the timings."""
    np.random.default_rng(1).standard_normal(out=out)


def floor_two(paths: int, days: int):
    out = np.empty((days, paths))
    seeds = np.random.SeedSequence(1).spawn(2)
    half = days // 2
    parts = [(out[:half], seeds[0]), (out[half:], seeds[1])]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda p: np.random.default_rng(p[1]).standard_normal(out=p[0]), parts))


def monte_carlo_section(paths: int, days: int, repeat: int) -> None:
    n = paths * days
    print(f"Monte Carlo: {paths:,} paths x {days} days = {n / 1e6:.1f} million steps")
    buffer = np.zeros((days, paths))
    times = timings(
        {
            "brief": lambda: brief_loop(paths, days, bands=False),
            "loop": lambda: brief_loop(paths, days, bands=True),
            "floor1": lambda: floor_one(paths, days),
            "floor2": lambda: floor_two(paths, days),
            "reused": lambda: floor_reused(buffer),
            "one": lambda: simulate(paths, days, 1, True),
            "two": lambda: simulate(paths, days, 2, True),
            "ind1": lambda: simulate(paths, days, 1, False),
            "ind2": lambda: simulate(paths, days, 2, False),
        },
        repeat,
    )
    t = {name: statistics.median(v) for name, v in times.items()}
    low = {name: min(v) for name, v in times.items()}
    t_brief, t_loop, t_floor1, t_floor2 = t["brief"], t["loop"], t["floor1"], t["floor2"]
    t_one, t_two = t["one"], t["two"]
    rows = [
        ("(a) brief's loop, terminal stats only", "brief"),
        ("(a+) brief's loop plus per-day bands", "loop"),
        ("(b) floor: normals only, 1 thread", "floor1"),
        ("    floor: normals only, 2 threads", "floor2"),
        ("    floor: into a reused buffer", "reused"),
        ("simulate(), 1 thread", "one"),
        ("simulate(), 2 threads", "two"),
        ("simulate(antithetic=False), 1 thread", "ind1"),
        ("simulate(antithetic=False), 2 thr.", "ind2"),
    ]
    print(f"  (median of {repeat} interleaved rounds; best in brackets; ratios of medians)")
    for label, key in rows:
        rate = n / t[key] / 1e6
        print(f"  {label:<36} {t[key]:7.3f} s ({low[key]:6.3f})  {rate:6.1f} M steps/s")
    print(f"  simulate() 2 threads vs (a) brief's loop:   {t_brief / t_two:5.2f}x faster")
    print(f"  simulate() 2 threads vs (a+) same output:   {t_loop / t_two:5.2f}x faster")
    print(f"  simulate() 2 threads vs (b) 1-thread floor: {t_two / t_floor1:5.2f}x the floor")
    print(f"  simulate() 2 threads vs 2-thread floor:     {t_two / t_floor2:5.2f}x the floor")
    print(f"  simulate() 1 thread  vs (b) 1-thread floor: {t_one / t_floor1:5.2f}x the floor")
    print(f"  simulate() 1 thread  vs reused-buffer floor: {t_one / t['reused']:5.2f}x")
    print("  independent paths (antithetic=False):")
    print(f"    2 threads vs (a) brief's loop:            {t_brief / t['ind2']:5.2f}x faster")
    print(f"    2 threads vs 2-thread floor:              {t['ind2'] / t_floor2:5.2f}x the floor")
    print(f"    1 thread  vs (b) 1-thread floor:          {t['ind1'] / t_floor1:5.2f}x the floor")
    print(f"    1 thread  vs reused-buffer floor:         {t['ind1'] / t['reused']:5.2f}x")


def simulate(paths: int, days: int, workers: int, antithetic: bool):
    return monte_carlo.simulate(
        S0, MU, SIGMA, days, paths, 1, workers=workers, antithetic=antithetic
    )


def load_returns() -> tuple[dict[str, np.ndarray], np.ndarray]:
    data = ROOT / "data" / "prices"
    closes = {
        t: np.array([float(b.close) for b in load_bars(data / f"{t}_data.csv")])
        for t in bundled_tickers(data)
    }
    n = min(len(c) for c in closes.values())
    returns = {t: risk.simple_returns(c[-n:]) for t, c in closes.items()}
    return returns, np.mean(np.array(list(returns.values())), axis=0)


def empyrical_reference(returns: dict, bench: np.ndarray) -> None:
    import empyrical as ep
    import pandas as pd

    b = pd.Series(bench)
    for r in returns.values():
        s = pd.Series(r)
        ep.annual_return(s), ep.annual_volatility(s), ep.sharpe_ratio(s), ep.sortino_ratio(s)
        ep.max_drawdown(s), ep.alpha_beta(s, b), s.skew(), s.kurt()
        for cut in (0.05, 0.01):
            ep.value_at_risk(s, cut), ep.conditional_value_at_risk(s, cut)


def risk_section(repeat: int) -> None:
    returns, bench = load_returns()
    days = len(bench)
    print(f"Risk metrics: {len(returns)} tickers x {days} days (about {days / 252:.1f} years)")
    ours = lambda: [risk.metrics(r, bench) for r in returns.values()]  # noqa: E731
    try:
        import empyrical  # noqa: F401
    except ImportError:
        ms = median_time(ours, repeat) * 1000
        print(f"  utils.analysis.risk.metrics, all tickers    {ms:7.1f} ms")
        print("  empyrical not installed (requirements-dev.txt): no reference timing")
        return
    t = medians({"ours": ours, "ref": lambda: empyrical_reference(returns, bench)}, repeat)
    t_ours, t_ref = t["ours"], t["ref"]
    print(f"  utils.analysis.risk.metrics, all tickers    {t_ours * 1000:7.1f} ms")
    print(f"  empyrical, the same metrics (reference)     {t_ref * 1000:7.1f} ms")
    print(f"  ratio empyrical / ours:                     {t_ref / t_ours:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=252)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {os.cpu_count()} cores")
    print("load average before: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    monte_carlo_section(args.paths, args.days, args.repeat)
    risk_section(args.repeat)
    print("load average after:  {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
