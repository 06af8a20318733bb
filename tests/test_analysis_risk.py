"""Risk metrics against empyrical (test-only) and scipy on the bundled data, to 1e-9."""

import empyrical as ep
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.analysis_data import bars, equal_weight_returns, tickers
from utils.analysis import risk

REL = 1e-9


@pytest.fixture(scope="module")
def bench():
    return equal_weight_returns(tickers())


@pytest.mark.parametrize("ticker", ["AAPL", "NFLX", "KO", "XOM"])
@pytest.mark.parametrize("rf", [0.0, 0.03])
def test_metrics_match_empyrical(ticker, rf, bench):
    r = risk.simple_returns(bars(ticker)["close"])[-len(bench) :]
    rs, bs = pd.Series(r), pd.Series(bench)
    got = risk.metrics(r, bench, risk_free=rf)
    daily = rf / 252
    want = {
        "annual_return": ep.annual_return(rs),
        "annual_volatility": ep.annual_volatility(rs),
        "sharpe": ep.sharpe_ratio(rs, daily),
        "sortino": ep.sortino_ratio(rs, daily),
        "max_drawdown": ep.max_drawdown(rs),
        "var_95": -ep.value_at_risk(rs, 0.05),
        "var_99": -ep.value_at_risk(rs, 0.01),
        "cvar_95": -ep.conditional_value_at_risk(rs, 0.05),
        "cvar_99": -ep.conditional_value_at_risk(rs, 0.01),
        "beta": ep.beta(rs, bs, daily),
        "alpha": ep.alpha(rs, bs, daily),
        "skew": stats.skew(r, bias=False),
        "kurtosis": stats.kurtosis(r, bias=False),
        "correlation": stats.pearsonr(r, bench)[0],
    }
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=REL), key
    assert got["r_squared"] == pytest.approx(want["correlation"] ** 2, rel=REL)
    # skew and kurtosis follow pandas as quantstats does
    assert got["skew"] == pytest.approx(rs.skew(), rel=REL)
    assert got["kurtosis"] == pytest.approx(rs.kurt(), rel=REL)


def test_parametric_var_and_cvar_are_the_normal_tail():
    r = risk.simple_returns(bars("MSFT")["close"])
    mu, sd = r.mean(), r.std(ddof=1)
    for level in (0.95, 0.99):
        z = stats.norm.ppf(1 - level)
        assert risk.parametric_var(r, level) == pytest.approx(-(mu + z * sd), rel=REL)
        cvar = -(mu - sd * stats.norm.pdf(z) / (1 - level))
        assert risk.parametric_cvar(r, level) == pytest.approx(cvar, rel=REL)
        assert risk.parametric_cvar(r, level) > risk.parametric_var(r, level) > 0


def test_drawdown_peak_trough_and_recovery_by_hand():
    wealth = np.array([1.0, 1.1, 0.99, 0.88, 1.0, 1.21, 1.0])
    r = wealth[1:] / wealth[:-1] - 1  # returns of days 0..5
    dd = risk.max_drawdown(r)
    assert dd["max_drawdown"] == pytest.approx(0.88 / 1.1 - 1)
    assert (dd["peak"], dd["trough"], dd["recovery"]) == (0, 2, 4)
    unrecovered = risk.max_drawdown(r[:3])
    assert unrecovered["recovery"] is None
    np.testing.assert_allclose(
        risk.drawdown_curve(r), wealth[1:] / np.maximum.accumulate(wealth[1:]) - 1
    )


def test_a_drawdown_starts_on_the_last_day_at_the_high():
    r = np.array([0.1, 0.0, 0.0, -0.2, 0.05, 0.3])  # flat at the high on days 1 and 2
    dd = risk.max_drawdown(r)
    assert (dd["peak"], dd["trough"]) == (2, 3)


def test_rolling_volatility_matches_pandas():
    r = risk.simple_returns(bars("JPM")["close"])
    got = risk.rolling_volatility(r, 21)
    want = pd.Series(r).rolling(21).std().to_numpy() * np.sqrt(252)
    np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True)


def test_rating_and_summary_follow_the_volatility():
    assert [risk.rating(v) for v in (0.1, 0.25, 0.5)] == ["low", "moderate", "high"]
    r = risk.simple_returns(bars("KO")["close"])
    m = risk.metrics(r, r)
    text = risk.summary(m)
    assert f"{m['annual_volatility']:.1%}" in text and "1.00 times" in text
