"""Formatting shared by the offline assistant's answers: money, percentages, notes."""

from decimal import Decimal

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


def failed(result: dict) -> str | None:
    return f"I can't answer that: {result['error']}" if "error" in result else None


def data_note(stale: bool, simulated: bool) -> str:
    if stale:
        return " The last price is stale (the data source did not answer)."
    return f" {SIMULATED}" if simulated else ""
