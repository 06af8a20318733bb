"""The offline assistant's answers about the market: quotes, risk, Monte Carlo, indicators,
price history, search, terms, and the figures sent by "Explain this"."""

from decimal import ROUND_HALF_UP, Decimal

from utils.assistant.glossary import find_in, lookup
from utils.assistant.offline_format import NO_ADVICE, data_note, failed, money, pct, signed


def quotes(call, tickers: list[str]) -> str:
    lines = []
    for ticker in tickers:
        q = call("get_quote", ticker=ticker)
        if failed(q):
            lines.append(failed(q))
            continue
        change = ""
        if q.get("change") is not None:
            change = f", {signed(q['change'])} ({_percent(q['change_percent'])}) on the day"
        lines.append(
            f"**{q['ticker']}** ({q['name']}) is at **{money(q['price'])}**{change}, "
            f"as of {q['as_of']} UTC.{data_note(q['stale'], q['simulated'])}"
        )
    return "\n\n".join(lines)


def _percent(value) -> str:
    """A percentage already in percent, to two places: "-0.80 %"."""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), ROUND_HALF_UP)} %"


def risk(call, ticker: str) -> str:
    r = call("get_risk_metrics", ticker=ticker)
    if failed(r):
        return failed(r)
    return (
        f"Risk of **{ticker}** over its stored history (against {r['benchmark']}):\n\n"
        f"- Annualised volatility: {pct(r['annual_volatility'])}\n"
        f"- Annualised return: {pct(r['annual_return'])}\n"
        f"- Sharpe ratio: {r['sharpe']:.2f}\n"
        f"- Maximum drawdown: {pct(r['max_drawdown'])}\n"
        f"- 1-day VaR 95 %: {pct(r['var_95'])} (CVaR {pct(r['cvar_95'])})\n"
        f"- Beta: {r['beta']:.2f}\n\nPast risk is a guide, not a promise. {NO_ADVICE}"
    )


def monte_carlo(call, ticker: str, days: int) -> str:
    m = call("run_monte_carlo", ticker=ticker, days=days)
    if failed(m):
        return failed(m)
    what = f"**{m['target']}**" if ticker else "**your portfolio**"
    return (
        f"A Monte Carlo outlook for {what} over {m['days']} trading days "
        f"({m['simulations']:,} simulated paths, seed {m['seed']}):\n\n"
        f"- Start: {money(m['start'])}\n- Median at the end: {money(m['median'])}\n"
        f"- 90 % of paths end between {money(m['p5'])} and {money(m['p95'])}\n"
        f"- Chance of ending below the start: {pct(m['prob_below_start'], 1)}\n"
        f"- VaR 95 % (loss): {money(m['var_95'])}\n\n"
        "These are scenarios drawn from past drift and volatility, not a forecast."
    )


def indicators(call, ticker: str) -> str:
    i = call("get_indicators", ticker=ticker, names="rsi,macd,sma")
    if failed(i):
        return failed(i)
    v = i["values"]
    lines = [f"Indicators for **{ticker}** at the close of {i['date']}:"]
    if v.get("rsi") is not None:
        rsi = v["rsi"]
        reading = "overbought" if rsi > 70 else "oversold" if rsi < 30 else "neutral"
        lines.append(f"- RSI (14): {rsi:.1f}, {reading}")
    if v.get("macd") is not None and v.get("macd_signal") is not None:
        above = "above" if v["macd"] > v["macd_signal"] else "below"
        lines.append(f"- MACD: {v['macd']:.2f}, {above} its signal line ({v['macd_signal']:.2f})")
    if v.get("sma") is not None:
        where = "above" if i["close"] > v["sma"] else "below"
        lines.append(f"- Close {money(i['close'])} is {where} the 20-day SMA ({money(v['sma'])})")
    return "\n".join(lines)


def history(call, ticker: str) -> str:
    h = call("get_price_history_summary", ticker=ticker, period="1y")
    if failed(h):
        return failed(h)
    return (
        f"**{ticker}** from {h['start_date']} to {h['end_date']}: {money(h['first_close'])} → "
        f"{money(h['last_close'])} ({h['return_percent']} %), high {money(h['high'])}, "
        f"low {money(h['low'])}."
    )


def search(call, words: str) -> str:
    s = call("search_stocks", query=words)
    if failed(s):
        return failed(s)
    if not s["results"]:
        return f"I found no stock matching “{words}”."
    return "Matches:\n" + "\n".join(
        f"- **{r['ticker']}**: {r['name']} ({r['sector']})" for r in s["results"]
    )


def term(call, name: str) -> str:
    t = call("explain_term", term=name)
    name = t.get("term", "")
    title = name.upper() if len(name) <= 4 else name[:1].upper() + name[1:]
    return failed(t) or f"**{title}**: {t['explanation']}"


PAGE_NAMES = {"analysis": "risk analysis", "monte_carlo": "Monte Carlo", "backtest": "backtest"}


MONTE_CARLO_TERMS = [
    ("cvar", "the average loss from the start on the worst 5 % of simulated paths"),
    ("var", "the loss from the start value that 95 % of simulated paths do not exceed"),
    ("percentile", "90 % of the simulated paths end inside this range"),
    ("below start", "the share of simulated paths that end below the start value"),
    ("median", "half of the simulated paths end above this value, half below"),
    ("mean", "the average end value over all simulated paths"),
    ("start", "the value the simulation starts from (the last close)"),
]


def explain_figures(context: dict) -> str:
    page = context.get("page", "analysis")
    lines = [f"These are the figures from the {PAGE_NAMES.get(page, page)} page:"]
    for label, value in list((context.get("figures") or {}).items())[:30]:
        meaning = _meaning(page, label)
        lines.append(f"- **{label}** = {value}" + (f": {meaning}" if meaning else ""))
    if page == "monte_carlo":
        lines.append(
            "\nThe paths are scenarios drawn from past drift and volatility, not a forecast."
        )
    return "\n".join(lines) + f"\n\n{NO_ADVICE}"


def _meaning(page: str, label: str) -> str | None:
    lowered = label.lower()
    if page == "monte_carlo":
        for word, meaning in MONTE_CARLO_TERMS:
            if word in lowered:
                return meaning[:1].upper() + meaning[1:] + "."
    known = lookup(label) or find_in(label)
    return known[1] if known else None
