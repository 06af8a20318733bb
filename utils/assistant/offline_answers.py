"""The offline assistant's answers about the user's own account: cash, holdings, P&L,
orders, proposed orders and deposits. Each calls the tools and writes their figures."""

from utils.assistant.glossary import TERMS
from utils.assistant.offline_format import NO_ADVICE, failed, money, signed


def cash(call) -> str:
    p = call("get_portfolio")
    if failed(p):
        return failed(p)
    c = p["cash"]
    return (
        f"You have **{money(c['available'])}** available to trade, {money(c['frozen'])} "
        f"reserved for open orders, {money(c['total'])} cash in all. With your holdings "
        f"({money(p['market_value'])}) the account is worth **{money(p['total_value'])}**."
    )


def portfolio(call) -> str:
    p = call("get_portfolio")
    if failed(p):
        return failed(p)
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
    if failed(p):
        return failed(p)
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
    if failed(o):
        return failed(o)
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


def deposit() -> str:
    return TERMS["deposit"] + " Withdrawals work the same way from the same page."


def proposal(call, order, tickers: list[str]) -> str:
    if not tickers:
        return "I can't tell which stock you mean; name it by ticker (AAPL) or company name."
    if order.unsupported == "limit price":
        return (
            f"What limit price for {tickers[0]}? Ask again with it, e.g. "
            f"“{order.side} 10 {tickers[0]} limit 150”."
        )
    if order.unsupported == "stop":
        return (
            "I can propose market and limit orders only. For a stop, stop-limit or trailing "
            f"stop on {tickers[0]}, open its stock page and choose the type on the ticket."
        )
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
    if failed(p):
        return failed(p)
    price = f" with a limit of {money(p['limit_price'])}" if p.get("limit_price") else ""
    return (
        f"I can't place orders myself. Here is the order to review: **{p['side']} "
        f"{p['quantity']} {p['ticker']}** ({p['order_type']}{price}). Open the ticket from the "
        f"card below, get a quote and confirm it yourself. {NO_ADVICE}"
    )
