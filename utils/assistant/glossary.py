"""Plain-words explanations of the order types and metrics PaperDesk shows."""

import re

# A confidence level written in a label such as "VaR 99 % (1 day)" or "CVaR 97.5%".
_LEVEL = re.compile(r"(?<![\d.])(\d{2}(?:\.\d{1,2})?)\s*%")


def var_explanation(level: float) -> str:
    """What a one-day VaR at ``level`` percent confidence means, in plain words."""
    return (
        f"Value at Risk (VaR {level:g} %) is the one-day loss that is exceeded on only "
        f"{100 - level:g} % of days in the history (or under a normal model, for the "
        "parametric version)."
    )


def cvar_explanation(level: float) -> str:
    """What a one-day CVaR at ``level`` percent confidence means, in plain words."""
    return (
        f"CVaR {level:g} % (expected shortfall) is the average loss on the worst "
        f"{100 - level:g} % of days, those worse than the VaR {level:g} %: what a bad day "
        "costs on average."
    )


LEVELLED = {"var": var_explanation, "cvar": cvar_explanation}

TERMS = {
    "market order": "A market order buys or sells at once at the current price. On PaperDesk "
    "you first get a quote that is held for a short time; confirming in time fills at exactly "
    "that price.",
    "limit order": "A limit order buys at or below (or sells at or above) the price you set. "
    "It waits until the market reaches that price; cash or shares are reserved meanwhile.",
    "stop order": "A stop order becomes a market order once the price crosses the stop price: "
    "a sell stop below the market limits a loss, a buy stop above it follows a breakout.",
    "stop limit order": "A stop limit order becomes a limit order (not a market order) once the "
    "stop price is crossed, so it never fills worse than its limit, but it may not fill at all.",
    "trailing stop": "A trailing stop is a stop that follows the price by a fixed amount or "
    "percentage as it moves your way, and fires when the price turns back by that much.",
    "time in force": "Time in force says how long an order works: GTC (good till cancelled), "
    "DAY (expires at the close), IOC (fill what you can now, cancel the rest) and FOK (fill it "
    "all now or nothing).",
    "sharpe ratio": "The Sharpe ratio is the return above the risk-free rate per unit of "
    "volatility, annualised. Higher is better; above 1 is usually called good.",
    "sortino ratio": "The Sortino ratio is like the Sharpe ratio but counts only downside "
    "volatility, so upward swings are not penalised.",
    "volatility": "Volatility is how much the daily returns swing: their standard deviation, "
    "annualised by the square root of 252 trading days.",
    "max drawdown": "The maximum drawdown is the largest fall from a peak to a later trough, "
    "as a percentage of the peak.",
    "var": var_explanation(95),
    "cvar": cvar_explanation(95),
    "beta": "Beta measures how much a stock moves with the benchmark: 1 moves with it, above 1 "
    "swings more, below 1 less.",
    "alpha": "Alpha is the annualised return left over after what beta explains from the "
    "benchmark's moves.",
    "monte carlo": "A Monte Carlo simulation draws thousands of possible price paths from the "
    "stock's past drift and volatility (geometric Brownian motion) and reports the spread of "
    "outcomes. It is a range of scenarios, not a forecast.",
    "rsi": "The RSI (relative strength index, 14 days) runs from 0 to 100; above 70 is often "
    "read as overbought and below 30 as oversold.",
    "macd": "MACD is the difference between a fast (12) and slow (26) exponential moving "
    "average; crossing above its signal line is read as upward momentum.",
    "moving average": "A simple moving average (SMA) is the mean close of the last N days; the "
    "exponential one (EMA) weights recent days more.",
    "bollinger bands": "Bollinger bands sit two standard deviations above and below a 20-day "
    "moving average; a close outside them is unusually far from the recent mean.",
    "p&l": "P&L is profit and loss: unrealized on shares you still hold (market value less "
    "cost), realized on shares you sold.",
    "time-weighted return": "The time-weighted return measures how the investments did, "
    "leaving out the effect of deposits and withdrawals.",
    "backtest": "A backtest replays a trading rule on past prices to see how it would have done, "
    "with commissions and slippage; past results do not promise future ones.",
    "deposit": "To add virtual money, open Account, enter an amount under Deposit and send the "
    "request; an admin approves it, and the cash then shows as available.",
}

ALIASES = {
    "market": "market order",
    "limit": "limit order",
    "stop": "stop order",
    "stop loss": "stop order",
    "stop-loss": "stop order",
    "stop limit": "stop limit order",
    "stop-limit": "stop limit order",
    "trailing": "trailing stop",
    "trailing stop order": "trailing stop",
    "gtc": "time in force",
    "ioc": "time in force",
    "fok": "time in force",
    "sharpe": "sharpe ratio",
    "sortino": "sortino ratio",
    "drawdown": "max drawdown",
    "maximum drawdown": "max drawdown",
    "value at risk": "var",
    "expected shortfall": "cvar",
    "pnl": "p&l",
    "profit and loss": "p&l",
    "sma": "moving average",
    "ema": "moving average",
    "bollinger": "bollinger bands",
    "twr": "time-weighted return",
    "monte carlo simulation": "monte carlo",
}


def lookup(term: str) -> tuple[str, str] | None:
    """The (name, explanation) of a term or one of its other names, else None. A VaR or
    CVaR named with its confidence level ("VaR 99 %") is explained at that level."""
    key = re.sub(r"\s+", " ", str(term or "").strip().lower()).rstrip("?. ")
    level = confidence_level(key)
    if level is not None:
        key = _LEVEL.sub("", key).strip()
    key = ALIASES.get(key, key)
    if key not in TERMS:
        return None
    return key, _explanation(key, level)


def find_in(text: str) -> tuple[str, str] | None:
    """The longest known term named in ``text``, else None; a VaR or CVaR is explained at
    the confidence level the text names, if any."""
    lowered = f" {text.lower()} "
    names = sorted(list(TERMS) + list(ALIASES), key=len, reverse=True)
    for name in names:
        if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", lowered):
            key = ALIASES.get(name, name)
            return key, _explanation(key, confidence_level(text))
    return None


def confidence_level(text: str) -> float | None:
    """The confidence level (50 to 99.99) written as a percentage in ``text``, else None."""
    match = _LEVEL.search(text)
    if match is None:
        return None
    level = float(match.group(1))
    return level if 50 <= level < 100 else None


def _explanation(key: str, level: float | None) -> str:
    if level is not None and key in LEVELLED:
        return LEVELLED[key](level)
    return TERMS[key]
