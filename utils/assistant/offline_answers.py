"""The offline assistant's answers: each calls the tools and writes their figures."""

from decimal import Decimal

from utils.assistant.glossary import TERMS, find_in, lookup
from utils.money import format_money

SIMULATED = "Prices are simulated."
NO_ADVICE = "PaperDesk uses virtual money; this is not investment advice."


def money(value) -> str:
    """$1,234.56 (with a minus sign before the dollar for losses)."""
    amount = Decimal(str(value))
    return ("-$" if amount < 0 else "$") + format_money(abs(amount))


def signed(value) -> str:
    amount = Decimal(str(value))
    return ("+" if amount > 0 else "") + money(amount)


def pct(value, digits: int = 2) -> str:
    return f"{float(value) * 100:.{digits}f} %"


def _failed(result: dict) -> str | None:
    return f"I can't answer that: {result['error']}" if "error" in result else None


def _data_note(stale: bool, simulated: bool) -> str:
    if stale:
        return " The last price is stale (the data source did not answer)."
    return f" {SIMULATED}" if simulated else ""


def quotes(call, tickers: list[str]) -> str:
    lines = []
    for ticker in tickers:
        q = call("get_quote", ticker=ticker)
        if _failed(q):
            lines.append(_failed(q))
            continue
        change = ""
        if q.get("change") is not None:
            change = f", {signed(q['change'])} ({q['change_percent']} %) on the day"
        lines.append(
            f"**{q['ticker']}** ({q['name']}) is at **{money(q['price'])}**{change}, "
            f"as of {q['as_of']} UTC.{_data_note(q['stale'], q['simulated'])}"
        )
    return "\n\n".join(lines)


def cash(call) -> str:
    p = call("get_portfolio")
    if _failed(p):
        return _failed(p)
    c = p["cash"]
    return (
        f"You have **{money(c['available'])}** available to trade, {money(c['frozen'])} "
        f"reserved for open orders, {money(c['total'])} cash in all. With your holdings "
        f"({money(p['market_value'])}) the account is worth **{money(p['total_value'])}**."
    )


def portfolio(call) -> str:
    p = call("get_portfolio")
    if _failed(p):
        return _failed(p)
    if not p["positions"]:
        return f"You hold no shares. Cash: **{money(p['cash']['available'])}** available."
    rows = [
        "| Ticker | Shares | Avg cost | Price | Value | Unrealized P&L |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pos in p["positions"]:
        rows.append(
            f"| {pos['ticker']} | {pos['quantity']} | {money(pos['average_price'])} | "
            f"{money(pos['price'])} | {money(pos['market_value'])} | "
            f"{signed(pos['unrealized_pnl'])} ({pos['unrealized_percent']} %) |"
        )
    stale = [pos["ticker"] for pos in p["positions"] if pos["stale"]]
    if stale:
        rows.append(
            f"\nThe prices of {', '.join(stale)} are stale (the data source did not answer)."
        )
    return (
        "Your holdings:\n\n" + "\n".join(rows) + f"\n\nHoldings {money(p['market_value'])}, cash "
        f"{money(p['cash']['total'])} ({money(p['cash']['available'])} available), total "
        f"**{money(p['total_value'])}**."
    )


def pnl(call) -> str:
    p = call("get_portfolio")
    if _failed(p):
        return _failed(p)
    lines = [
        f"Unrealized P&L on what you hold: **{signed(p['unrealized_pnl'])}**; realized P&L "
        f"from sales: **{signed(p['realized_pnl'])}**."
    ]
    for pos in p["positions"]:
        lines.append(
            f"- {pos['ticker']}: {signed(pos['unrealized_pnl'])} ({pos['unrealized_percent']} %)"
        )
    lines.append("\nThe portfolio page shows the time-weighted return since your first deposit.")
    return "\n".join(lines)


def orders(call) -> str:
    o = call("get_orders", status="open")
    if _failed(o):
        return _failed(o)
    if not o["orders"]:
        return "You have no open orders."
    lines = [f"You have {len(o['orders'])} open order(s):"]
    for item in o["orders"]:
        price = f" at {money(item['limit_price'])}" if item.get("limit_price") else ""
        stop = f", stop {money(item['stop_price'])}" if item.get("stop_price") else ""
        lines.append(
            f"- #{item['order_id']} {item['side']} {item['quantity']} {item['ticker']} "
            f"({item['type']}{price}{stop}), {item['filled_quantity']} filled, {item['status']}"
        )
    return "\n".join(lines)


def risk(call, ticker: str) -> str:
    r = call("get_risk_metrics", ticker=ticker)
    if _failed(r):
        return _failed(r)
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
    if _failed(m):
        return _failed(m)
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
    if _failed(i):
        return _failed(i)
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
    if _failed(h):
        return _failed(h)
    return (
        f"**{ticker}** from {h['start_date']} to {h['end_date']}: {money(h['first_close'])} → "
        f"{money(h['last_close'])} ({h['return_percent']} %), high {money(h['high'])}, "
        f"low {money(h['low'])}."
    )


def search(call, words: str) -> str:
    s = call("search_stocks", query=words)
    if _failed(s):
        return _failed(s)
    if not s["results"]:
        return f"I found no stock matching “{words}”."
    return "Matches:\n" + "\n".join(
        f"- **{r['ticker']}**: {r['name']} ({r['sector']})" for r in s["results"]
    )


def term(call, name: str) -> str:
    t = call("explain_term", term=name)
    name = t.get("term", "")
    title = name.upper() if len(name) <= 4 else name[:1].upper() + name[1:]
    return _failed(t) or f"**{title}**: {t['explanation']}"


def deposit() -> str:
    return TERMS["deposit"] + " Withdrawals work the same way from the same page."


def proposal(call, order, tickers: list[str]) -> str:
    if not tickers:
        return "I can't tell which stock you mean; name it by ticker (AAPL) or company name."
    if order.everything and order.side == "sell" and not order.quantity:
        held = call("get_portfolio")
        mine = [p for p in held.get("positions", []) if p["ticker"] == tickers[0]]
        if not mine:
            return f"You hold no {tickers[0]} to sell."
        order.quantity = mine[0]["quantity"]
    if not order.quantity:
        return (
            f"How many shares of {tickers[0]}? Ask again with a number, e.g. “buy 5 {tickers[0]}”."
        )
    kind = "limit" if order.limit_price else "market"
    p = call(
        "propose_order",
        ticker=tickers[0],
        side=order.side,
        quantity=order.quantity,
        order_type=kind,
        limit_price=order.limit_price or "",
    )
    if _failed(p):
        return _failed(p)
    price = f" with a limit of {money(p['limit_price'])}" if p.get("limit_price") else ""
    return (
        f"I can't place orders myself. Here is the order to review: **{p['side']} "
        f"{p['quantity']} {p['ticker']}** ({p['order_type']}{price}). Open the ticket from the "
        f"card below, get a quote and confirm it yourself. {NO_ADVICE}"
    )


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
