"""Risk and return metrics of daily simple returns, with the conventions of empyrical.

Annualisation uses 252 trading days; standard deviations are sample ones (ddof=1).
The risk-free rate is annual and enters as ``rate / 252`` per day. VaR and CVaR are
one-day figures reported as positive losses (a 0.02 VaR means a 2 % loss).
"""

import math
from statistics import NormalDist

import numpy as np

DAYS = 252
LEVELS = (0.95, 0.99)


def simple_returns(prices: np.ndarray) -> np.ndarray:
    """Day-on-day simple returns of a price series (one shorter than ``prices``)."""
    prices = np.asarray(prices, dtype=float)
    return prices[1:] / prices[:-1] - 1.0


def annual_return(returns: np.ndarray) -> float:
    """Compound annual growth rate of the returns."""
    growth = float(np.prod(1.0 + returns))
    return growth ** (DAYS / len(returns)) - 1.0


def annual_volatility(returns: np.ndarray) -> float:
    """Sample standard deviation of the returns, annualised."""
    return float(np.std(returns, ddof=1) * math.sqrt(DAYS))


def sharpe(returns: np.ndarray, risk_free: float = 0.0) -> float:
    """Annualised Sharpe ratio of the excess returns over ``risk_free`` (annual)."""
    excess = returns - risk_free / DAYS
    return float(np.mean(excess) / np.std(excess, ddof=1) * math.sqrt(DAYS))


def sortino(returns: np.ndarray, risk_free: float = 0.0) -> float:
    """Annualised Sortino ratio: mean excess return over the downside deviation."""
    excess = returns - risk_free / DAYS
    downside = math.sqrt(float(np.mean(np.minimum(excess, 0.0) ** 2))) * math.sqrt(DAYS)
    return float(np.mean(excess) * DAYS / downside) if downside else math.inf


def drawdown_curve(returns: np.ndarray) -> np.ndarray:
    """Drawdown after each day: wealth over its running peak, minus one (zero or negative)."""
    wealth = np.cumprod(np.concatenate(([1.0], 1.0 + returns)))
    return (wealth / np.maximum.accumulate(wealth) - 1.0)[1:]


def max_drawdown(returns: np.ndarray) -> dict:
    """The deepest drawdown and where it happened, as indices into ``returns``.

    ``peak`` is the last day at the high (-1 for the starting value), ``trough`` the
    lowest day, ``recovery`` the first day back at the peak (None if not yet).
    """
    wealth = np.cumprod(np.concatenate(([1.0], 1.0 + returns)))
    drawdown = wealth / np.maximum.accumulate(wealth) - 1.0
    trough = int(np.argmin(drawdown))
    peak = trough - int(np.argmax(wealth[trough::-1]))  # the last day at the high
    after = np.nonzero(wealth[trough:] >= wealth[peak])[0]
    recovery = int(trough + after[0]) - 1 if len(after) and drawdown[trough] < 0 else None
    return {
        "max_drawdown": float(drawdown[trough]),
        "peak": peak - 1,
        "trough": trough - 1,
        "recovery": recovery,
    }


def historical_var(returns: np.ndarray, level: float) -> float:
    """One-day historical VaR at ``level`` as a loss: minus the (1-level) percentile."""
    return float(-np.percentile(returns, 100.0 * (1.0 - level)))


def historical_cvar(returns: np.ndarray, level: float) -> float:
    """One-day historical CVaR (expected shortfall) as a loss, empyrical's tail cut."""
    cut = int((len(returns) - 1) * (1.0 - level))
    return float(-np.mean(np.partition(returns, cut)[: cut + 1]))


def parametric_var(returns: np.ndarray, level: float) -> float:
    """One-day Gaussian VaR as a loss, from the sample mean and standard deviation."""
    z = NormalDist().inv_cdf(1.0 - level)
    return float(-(np.mean(returns) + z * np.std(returns, ddof=1)))


def parametric_cvar(returns: np.ndarray, level: float) -> float:
    """One-day Gaussian CVaR as a loss: the normal's mean below its VaR quantile."""
    alpha = 1.0 - level
    z = NormalDist().inv_cdf(alpha)
    tail = NormalDist().pdf(z) / alpha
    return float(-(np.mean(returns) - np.std(returns, ddof=1) * tail))


def beta(returns: np.ndarray, bench: np.ndarray) -> float:
    """Beta of the returns against the benchmark's (covariance over variance)."""
    centred = bench - np.mean(bench)
    return float(np.mean(centred * returns) / np.mean(centred**2))


def alpha(returns: np.ndarray, bench: np.ndarray, risk_free: float = 0.0) -> float:
    """Jensen's alpha, annualised by compounding the mean daily alpha as empyrical does."""
    daily = risk_free / DAYS
    b = beta(returns - daily, bench - daily)
    residual = (returns - daily) - b * (bench - daily)
    return float((np.mean(residual) + 1.0) ** DAYS - 1.0)


def correlation(returns: np.ndarray, bench: np.ndarray) -> float:
    """Pearson correlation of the returns with the benchmark's."""
    return float(np.corrcoef(returns, bench)[0, 1])


def skew(returns: np.ndarray) -> float:
    """Sample skewness, bias-corrected (pandas' ``skew``)."""
    n = len(returns)
    d = returns - np.mean(returns)
    m2, m3 = np.mean(d**2), np.mean(d**3)
    return float(math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def kurtosis(returns: np.ndarray) -> float:
    """Sample excess kurtosis, bias-corrected (pandas' ``kurt``)."""
    n = len(returns)
    d = returns - np.mean(returns)
    m2, m4 = np.mean(d**2), np.mean(d**4)
    g2 = m4 / m2**2 - 3.0
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6.0))


def rolling_volatility(returns: np.ndarray, window: int) -> np.ndarray:
    """Annualised sample volatility over a trailing window (NaN before it fills)."""
    out = np.full(len(returns), np.nan)
    if len(returns) >= window > 1:
        view = np.lib.stride_tricks.sliding_window_view(returns, window)
        out[window - 1 :] = np.std(view, axis=1, ddof=1) * math.sqrt(DAYS)
    return out


def metrics(returns: np.ndarray, bench: np.ndarray | None = None, risk_free: float = 0.0) -> dict:
    """Every metric of one return series, with benchmark ones when ``bench`` is given.

    ``bench`` must be aligned with ``returns`` (same days). Drawdown dates are indices.
    """
    out = {
        "annual_return": annual_return(returns),
        "annual_volatility": annual_volatility(returns),
        "sharpe": sharpe(returns, risk_free),
        "sortino": sortino(returns, risk_free),
        **max_drawdown(returns),
        "skew": skew(returns),
        "kurtosis": kurtosis(returns),
        "days": len(returns),
    }
    for level in LEVELS:
        tag = round(level * 100)
        out[f"var_{tag}"] = historical_var(returns, level)
        out[f"cvar_{tag}"] = historical_cvar(returns, level)
        out[f"var_{tag}_parametric"] = parametric_var(returns, level)
        out[f"cvar_{tag}_parametric"] = parametric_cvar(returns, level)
    if bench is not None:
        corr = correlation(returns, bench)
        out |= {
            "beta": beta(returns, bench),
            "alpha": alpha(returns, bench, risk_free),
            "correlation": corr,
            "r_squared": corr * corr,
        }
    return out


def rating(annual_vol: float) -> str:
    """A plain risk rating from annualised volatility: low < 20 % <= moderate < 35 % <= high."""
    if annual_vol < 0.20:
        return "low"
    return "moderate" if annual_vol < 0.35 else "high"


def summary(m: dict) -> str:
    """A sentence or two in plain words about a metrics dict from ``metrics``."""
    words = (
        f"Over {m['days']} trading days it returned {m['annual_return']:.1%} a year with "
        f"{m['annual_volatility']:.1%} annual volatility ({rating(m['annual_volatility'])} risk). "
        f"Its worst fall from a peak was {-m['max_drawdown']:.1%}; on 1 day in 20 it lost more "
        f"than {m['var_95']:.1%}."
    )
    if "beta" in m:
        words += f" It moved {m['beta']:.2f} times as much as the benchmark."
    return words
