"""An account's own performance from its daily values and external cash flows.

Flows (deposits positive, withdrawals negative) are taken to arrive at the start of
their day, before that day's trading: the day's return is V_t / (V_{t-1} + F_t) - 1.
Chaining those daily returns gives the time-weighted return, in which a deposit or a
withdrawal is not a gain or a loss.
"""

import numpy as np


def daily_returns(values: np.ndarray, flows: np.ndarray) -> np.ndarray:
    """Each day's return net of that day's flow (zero where no capital was at work)."""
    values = np.asarray(values, dtype=float)
    flows = np.asarray(flows, dtype=float)
    base = np.concatenate(([0.0], values[:-1])) + flows
    out = np.zeros(len(values))
    working = base > 0
    out[working] = values[working] / base[working] - 1.0
    return out


def time_weighted_return(values: np.ndarray, flows: np.ndarray) -> float:
    """The time-weighted return over the whole span: the product of (1 + daily) less one."""
    return float(np.prod(1.0 + daily_returns(values, flows)) - 1.0)


def annualised(total: float, days: int, per_year: int = 252) -> float | None:
    """A total return over ``days`` trading days as a yearly rate (None if under 1 day)."""
    return (1.0 + total) ** (per_year / days) - 1.0 if days > 0 else None
