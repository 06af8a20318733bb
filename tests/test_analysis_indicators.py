"""Indicators: TA-Lib's own output, hand computations, and NaN (JSON null) warm-ups."""

import numpy as np
import pytest
import talib

from tests.analysis_data import bars
from utils.analysis import indicators

# Wilder's worked RSI example as StockCharts publishes it (first RSI(14) about 70.5).
WILDER = np.array(
    [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89, 46.03,
     45.61, 46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64]
)  # fmt: skip


def np_sma(x, n):
    out = np.full(len(x), np.nan)
    out[n - 1 :] = np.convolve(x, np.ones(n) / n, mode="valid")
    return out


def np_ema(x, n):
    out = np.full(len(x), np.nan)
    out[n - 1] = x[:n].mean()
    k = 2 / (n + 1)
    for i in range(n, len(x)):
        out[i] = out[i - 1] + k * (x[i] - out[i - 1])
    return out


def np_rsi(x, n):
    d = np.diff(x)
    gains, losses = np.maximum(d, 0), np.maximum(-d, 0)
    out = np.full(len(x), np.nan)
    g, lo = gains[:n].mean(), losses[:n].mean()
    out[n] = 100 - 100 / (1 + g / lo)
    for i in range(n + 1, len(x)):
        g = (g * (n - 1) + gains[i - 1]) / n
        lo = (lo * (n - 1) + losses[i - 1]) / n
        out[i] = 100 - 100 / (1 + g / lo)
    return out


def test_sma_ema_rsi_match_a_direct_numpy_computation():
    for n in (3, 5, 14):
        got = indicators.compute("sma", {**_bars(WILDER)}, {"sma_period": n})["sma"]
        np.testing.assert_allclose(got, np_sma(WILDER, n), rtol=1e-12, equal_nan=True)
        got = indicators.compute("ema", _bars(WILDER), {"ema_period": n})["ema"]
        np.testing.assert_allclose(got, np_ema(WILDER, n), rtol=1e-12, equal_nan=True)
    got = indicators.compute("rsi", _bars(WILDER), {"rsi_period": 14})["rsi"]
    np.testing.assert_allclose(got, np_rsi(WILDER, 14), rtol=1e-10, equal_nan=True)
    # 70.53 is published from averages rounded to 4 places; exact arithmetic gives 70.464
    assert got[14] == pytest.approx(70.464, abs=0.001)


def _bars(close):
    return {"open": close, "high": close + 0.5, "low": close - 0.5, "close": close,
            "volume": np.arange(1.0, len(close) + 1) * 1000}  # fmt: skip


@pytest.mark.parametrize("ticker", ["AAPL", "XOM"])
def test_every_indicator_matches_talib_on_bundled_bars(ticker):
    b = bars(ticker)
    h, lo, c, v = b["high"], b["low"], b["close"], b["volume"]
    expect = {
        "sma": {"sma": talib.SMA(c, 30)},
        "ema": {"ema": talib.EMA(c, 30)},
        "rsi": {"rsi": talib.RSI(c, 10)},
        "macd": dict(
            zip(("macd", "macd_signal", "macd_hist"), talib.MACD(c, 8, 21, 5), strict=True)
        ),
        "bbands": dict(
            zip(("bb_upper", "bb_middle", "bb_lower"), talib.BBANDS(c, 25, 1.5, 1.5), strict=True)
        ),
        "atr": {"atr": talib.ATR(h, lo, c, 7)},
        "stoch": dict(
            zip(
                ("stoch_k", "stoch_d"),
                talib.STOCH(h, lo, c, fastk_period=10, slowk_period=4, slowd_period=2),
                strict=True,
            )
        ),
        "obv": {"obv": talib.OBV(c, v)},
    }
    params = {"sma_period": 30, "ema_period": 30, "rsi_period": 10, "macd_fast": 8,
              "macd_slow": 21, "macd_signal": 5, "bb_period": 25, "bb_dev": 1.5,
              "atr_period": 7, "stoch_k": 10, "stoch_smooth": 4, "stoch_d": 2}  # fmt: skip
    for name, series in expect.items():
        mine = {k: v for k, v in params.items() if k in indicators.SPECS[name]}
        got = indicators.compute(name, b, mine)
        assert set(got) == set(series)
        for key, want in series.items():
            np.testing.assert_array_equal(got[key], want)
    # the parameters matter: a different period gives a different series
    assert not np.allclose(indicators.compute("sma", b, {"sma_period": 5})["sma"][40:],
                           talib.SMA(c, 30)[40:])  # fmt: skip


def test_vwap_is_the_rolling_volume_weighted_typical_price():
    b = bars("MSFT")
    got = indicators.compute("vwap", b, {"vwap_period": 10})["vwap"]
    typical = (b["high"] + b["low"] + b["close"]) / 3
    for i in (9, 100, len(typical) - 1):
        w = slice(i - 9, i + 1)
        want = (typical[w] * b["volume"][w]).sum() / b["volume"][w].sum()
        assert got[i] == pytest.approx(want, rel=1e-10)
    assert np.isnan(got[:9]).all()


def test_undefined_values_are_null_not_zero():
    series = indicators.compute("sma", _bars(WILDER), {"sma_period": 5})["sma"]
    out = indicators.to_json(series)
    assert out[:4] == [None] * 4
    assert out[4] == pytest.approx(WILDER[:5].mean(), abs=1e-4)
    assert None not in out[4:]
