"""Monte Carlo: the terminal log price against GBM theory, seeds, and correlated portfolios."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from utils.analysis import monte_carlo as mc
from utils.analysis import percentiles

MU, SIGMA, DAYS, PATHS = 0.0008, 0.03, 252, 40_000


@pytest.fixture(scope="module", params=[True, False], ids=["antithetic", "independent"])
def run(request):
    return mc.simulate(100.0, MU, SIGMA, DAYS, PATHS, seed=42, antithetic=request.param)


def test_terminal_log_price_mean_and_variance_match_theory(run):
    t = run["terminal"]
    se_mean = SIGMA * math.sqrt(DAYS / PATHS)
    var = SIGMA**2 * DAYS
    # mirrored pairs share their squares: the variance rests on PATHS / 2 draws
    independent = PATHS // 2 if run["antithetic"] else PATHS
    assert abs(t["log_return_mean"] - MU * DAYS) < 4 * se_mean
    assert abs(t["log_return_var"] - var) < 4 * var * math.sqrt(2 / (independent - 1))
    # the drift counted twice (mean of log returns minus sigma^2/2) is far outside that
    twice = (MU - SIGMA**2 / 2) * DAYS
    assert abs(t["log_return_mean"] - twice) > 20 * se_mean


def test_fit_takes_the_mean_log_return_as_the_drift():
    rng = np.random.default_rng(3)
    prices = 50 * np.exp(np.cumsum(rng.normal(MU, SIGMA, 5000)))
    mu, sigma = mc.fit(prices)
    logs = np.diff(np.log(prices))
    assert mu == pytest.approx(logs.mean()) and sigma == pytest.approx(logs.std(ddof=1))


def test_bands_and_terminal_statistics_agree(run):
    bands, t = run["bands"], run["terminal"]
    assert bands.shape == (DAYS, 5)
    assert (np.diff(bands, axis=1) > 0).all()  # 5 < 25 < 50 < 75 < 95 every day
    assert bands[-1, 2] == pytest.approx(t["median"], rel=1e-6)  # interpolated in log space
    z = -MU * DAYS / (SIGMA * math.sqrt(DAYS))
    p = NormalDist().cdf(z)
    assert abs(t["prob_below_start"] - p) < 4 * math.sqrt(p * (1 - p) / PATHS)
    assert t["cvar_95"] > t["var_95"]
    assert t["var_95"] == pytest.approx(100 - t["percentiles"]["5"])
    assert sum(t["histogram"]["counts"]) == PATHS
    median = 100 * math.exp(MU * DAYS)
    assert t["median"] == pytest.approx(median, rel=0.02)


def test_the_same_seed_repeats_and_other_seeds_differ():
    a = mc.simulate(10.0, 0.0, 0.02, 40, 2000, seed=7)
    b = mc.simulate(10.0, 0.0, 0.02, 40, 2000, seed=7, workers=1)
    c = mc.simulate(10.0, 0.0, 0.02, 40, 2000, seed=8)
    np.testing.assert_array_equal(a["bands"], b["bands"])
    assert a["terminal"] == b["terminal"]
    assert not np.array_equal(a["bands"], c["bands"])


def test_correlated_steps_have_the_input_correlation():
    corr = np.array([[1.0, 0.7, -0.3], [0.7, 1.0, 0.1], [-0.3, 0.1, 1.0]])
    sd = np.array([0.01, 0.02, 0.015])
    cov = corr * np.outer(sd, sd)
    n = 50_000
    z = np.random.default_rng(1).standard_normal((n, 3))
    steps = mc.correlated_steps(np.zeros(3), mc.cholesky(cov), z)
    sample = np.corrcoef(steps.T)
    se = (1 - corr**2) / math.sqrt(n) + 1e-12
    assert (np.abs(sample - corr) < 4 * se + 1e-9).all()
    np.testing.assert_allclose(steps.std(axis=0, ddof=1), sd, rtol=0.02)


def test_portfolio_of_one_holding_matches_the_single_stock_theory():
    result = mc.simulate_portfolio(
        np.array([1000.0]), np.array([MU]), np.array([[SIGMA**2]]), 100, 20_000, seed=5
    )
    t = result["terminal"]
    assert abs(t["log_return_mean"] - MU * 100) < 4 * SIGMA * math.sqrt(100 / 20_000)
    assert t["start"] == 1000.0 and result["bands"].shape == (100, 5)


def test_portfolio_variance_follows_the_covariance():
    cov = np.array([[4e-4, 3e-4], [3e-4, 4e-4]])
    values = np.array([500.0, 500.0])
    t = mc.simulate_portfolio(values, np.zeros(2), cov, 1, 40_000, seed=9)["terminal"]
    # one day: the value's log change is close to the weighted sum of the log returns
    want = 0.25 * (4e-4 + 4e-4 + 2 * 3e-4)
    assert t["log_return_var"] == pytest.approx(want, rel=0.05)


def test_a_singular_covariance_is_refused():
    with pytest.raises(mc.NotPositiveDefinite):
        mc.simulate_portfolio(np.ones(2), np.zeros(2), np.ones((2, 2)) * 1e-4, 10, 100, seed=1)


@pytest.mark.parametrize("n", [1, 2, 7, 100, 1001])
def test_in_place_row_percentiles_equal_numpy(n):
    rows = np.random.default_rng(n).standard_normal((6, n))
    rows[2, : n // 2] = 0.5  # ties
    want = np.percentile(rows, mc.QUANTILES, axis=1).T
    np.testing.assert_allclose(mc.row_percentiles(rows.copy(), mc.QUANTILES), want, rtol=1e-14)


@pytest.mark.parametrize("n", [10_000, 100_001])
def test_row_percentiles_of_float32_rows_are_their_exact_order_statistics(n):
    rows = np.random.default_rng(n).standard_normal((3, n)).astype(np.float32)
    want = np.percentile(rows.astype(np.float64), mc.QUANTILES, axis=1).T
    got = mc.row_percentiles(rows.copy(), mc.QUANTILES)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-14)


def _windows(rows, width):
    """Windows of +-width around each row's true percentiles (np.percentile)."""
    true = np.percentile(rows, mc.QUANTILES, axis=1).T
    return true - width, true + width


@pytest.mark.parametrize("n", [5_000, 100_001])
def test_window_percentiles_equal_numpy(n):
    rows = np.random.default_rng(n).standard_normal((4, n)) * 3
    rows[1, : n // 3] = 0.25  # ties across a band
    low, high = _windows(rows, 0.05)
    want = np.percentile(rows, mc.QUANTILES, axis=1).T
    before = rows.copy()
    got = percentiles.window_percentiles(rows, mc.QUANTILES, low, high)
    np.testing.assert_allclose(got, want, rtol=1e-14)
    np.testing.assert_array_equal(rows, before)  # rows are left as they are


@pytest.mark.parametrize("shift", [-10.0, 10.0, 0.0])
def test_window_percentiles_are_exact_when_the_windows_miss(shift):
    rows = np.random.default_rng(4).standard_normal((3, 20_000))
    low, high = _windows(rows, 1e-9)
    if shift:
        low, high = low + shift, high + shift  # nowhere near the ranks
    else:
        low, high = high, low  # inverted
    want = np.percentile(rows, mc.QUANTILES, axis=1).T
    got = percentiles.window_percentiles(rows, mc.QUANTILES, low, high)
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("antithetic", [True, False])
def test_simulate_finds_every_band_in_its_window_and_matches_full_partitions(
    monkeypatch, antithetic
):
    def run():
        return mc.simulate(50.0, 0.0003, 0.02, 70, 30_000, seed=12, antithetic=antithetic)

    windowed = run()
    assert windowed["antithetic"] is antithetic
    monkeypatch.setattr(percentiles, "WINDOW_MIN", 10**9)  # every row partitioned whole
    np.testing.assert_array_equal(windowed["bands"], run()["bands"])
    monkeypatch.setattr(percentiles, "WINDOW_MIN", 4096)

    def no_fallback(row, k):
        raise AssertionError("a band fell outside its normal-theory window")

    monkeypatch.setattr(percentiles, "_ranks_by_partition", no_fallback)
    np.testing.assert_array_equal(run()["bands"], windowed["bands"])


@pytest.mark.parametrize("m", [3, 50, 5_001])
def test_mirrored_percentiles_equal_numpy_over_the_rows_and_their_negatives(m):
    rows = np.random.default_rng(m).standard_normal((4, m)) * 2 + 0.3
    rows[1, : m // 3] = 0.5  # ties
    both = np.concatenate([rows, -rows], axis=1)
    want = np.percentile(both, mc.QUANTILES, axis=1).T
    scale = np.abs(rows).max()

    def window(j):  # wide enough to hold every rank, so the windows are used
        return np.full(4, -1.0), np.full(4, scale + 1)

    got = percentiles.mirrored_percentiles(rows, mc.QUANTILES, window)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


def test_antithetic_paths_mirror_each_other_and_odd_counts_are_independent():
    paired = mc.simulate(100.0, 0.001, 0.02, 30, 10_000, seed=5)
    assert paired["antithetic"]
    # log price = mu * t + sigma * walk and the walks are symmetric about zero
    log_bands = np.log(paired["bands"] / 100.0) - 0.001 * np.arange(1, 31)[:, None]
    np.testing.assert_allclose(log_bands[:, 0], -log_bands[:, 4], rtol=1e-12)
    np.testing.assert_allclose(log_bands[:, 2], 0.0, atol=1e-12)
    assert paired["terminal"]["log_return_mean"] == pytest.approx(0.001 * 30, abs=1e-12)
    odd = mc.simulate(100.0, 0.001, 0.02, 30, 10_001, seed=5)
    assert not odd["antithetic"]
    assert abs(odd["terminal"]["log_return_mean"] - 0.03) > 1e-9


@pytest.mark.parametrize("paths", [10_000, 9_999])  # mirrored pairs, independent paths
def test_a_seed_gives_the_same_windowed_run_on_any_worker_count(paths):
    a, b, c = (mc.simulate(10.0, 0.0, 0.02, 45, paths, seed=3, workers=w) for w in (1, 2, 3))
    np.testing.assert_array_equal(a["bands"], b["bands"])
    np.testing.assert_array_equal(a["bands"], c["bands"])
    assert a["terminal"] == b["terminal"] == c["terminal"]
