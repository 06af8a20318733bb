"""Tickers, company names, numbers and order sides recognised in a question."""

import re
from dataclasses import dataclass

from utils.market_data.catalog import load_catalog

SUFFIXES = {"inc", "corp", "corporation", "company", "co", "the", "plc", "ltd", "class", "a", "b"}
EXTRA_NAMES = {
    "google": "GOOGL",
    "alphabet": "GOOGL",
    "facebook": "META",
    "coke": "KO",
    "exxon": "XOM",
    "jp morgan": "JPM",
    "berkshire": "BRK-B",
}
_TOKEN = re.compile(r"\$?[A-Za-z][A-Za-z0-9.\-]{0,9}")
_WORDS = re.compile(r"[a-z0-9&\-]+")


@dataclass
class Order:
    """A trade the user asked for: side, quantity and an optional limit price."""

    side: str
    quantity: int | None
    limit_price: str | None
    everything: bool = False  # "sell all my AAPL"
    unsupported: str | None = None  # "limit price" (none given) or "stop": not proposable


class Recogniser:
    """Finds the tickers of ``known`` symbols in text, by symbol or by company name."""

    def __init__(self, known: set[str]):
        self.known = set(known)
        self.names: dict[str, str] = {}
        catalog = load_catalog()
        for symbol in sorted(self.known):
            entry = catalog.get(symbol)
            if entry is None:
                continue
            words = list(_WORDS.findall(re.sub(r"\(.*?\)", "", entry.name.lower())))
            words = [w for w in words if w not in SUFFIXES]
            if words:
                self.names.setdefault(" ".join(words), symbol)
                if len(words[0]) >= 4:
                    self.names.setdefault(words[0], symbol)
        for name, symbol in EXTRA_NAMES.items():
            if symbol in self.known:
                self.names.setdefault(name, symbol)

    def tickers(self, text: str) -> list[str]:
        """Tickers named in ``text`` in order of appearance: upper-case or $-prefixed
        symbols, then company names (any case)."""
        found: list[tuple[int, str]] = []
        for match in _TOKEN.finditer(text):
            raw = match.group(0)
            symbol = raw.lstrip("$").upper().replace(".", "-").rstrip("-")
            written_as_symbol = raw.startswith("$") or (raw.isupper() and len(raw) >= 2)
            if written_as_symbol and symbol in self.known:
                found.append((match.start(), symbol))
        lowered = text.lower()
        for name, symbol in self.names.items():
            hit = re.search(rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])", lowered)
            if hit:
                found.append((hit.start(), symbol))
        ordered = [symbol for _, symbol in sorted(found)]
        return list(dict.fromkeys(ordered))


# A whole number of shares ("5", "1,000"), not a part of "-5", "1.5" or "5%"; a
# negative or fractional quantity is no quantity, so the answer asks for one.
_QUANTITY = re.compile(
    r"(?<![-\u2212\d.,])\b(\d{1,3}(?:,\d{3})+|\d{1,7})(?![.,]?\d)"
    r"\s*(?:shares?|x)?\b(?!\s*(?:%|percent|days?))"
)


# A limit price: "limit 150", "limit at $150", "limit price of 150", "@150", "at 150",
# "at 150 limit"; not a percentage ("at 5 % below").
_LIMIT_PRICE = re.compile(
    r"(?:\blimit(?:\s+price)?(?:\s+(?:at|of))?|\bat|@)\s*\$?"
    r"(\d[\d,]*(?:\.\d+)?)(?![\d,]|\.\d)(?!\s*(?:%|percent))"
)
# Words that ask for an order a proposal cannot carry: a stop (or stop limit, stop loss,
# trailing stop) order.
_STOP = re.compile(r"\bstop\b|\bstop-(?:loss|limit)\b|\btrailing\b")


def order_in(text: str) -> Order | None:
    """A buy or sell request ("buy 5 shares of Apple at 150", "buy 10 AAPL limit 150"),
    else None. A limit order without its price, or a stop order, is never read as a
    market order: its ``unsupported`` names what a proposal cannot carry."""
    lowered = text.lower()
    side = re.search(r"\b(buy|purchase|sell)\b", lowered)
    if side is None:
        return None
    side_name = "sell" if side.group(1) == "sell" else "buy"
    if _STOP.search(lowered):
        return Order(side_name, None, None, unsupported="stop")
    price = _LIMIT_PRICE.search(lowered)
    if price is None and re.search(r"\b(?:limit|lmt)\b", lowered):
        return Order(side_name, None, None, unsupported="limit price")
    rest = _without(lowered, price)[side.end() :]
    qty = _QUANTITY.search(rest)
    return Order(
        side=side_name,
        quantity=int(qty.group(1).replace(",", "")) if qty else None,
        limit_price=price.group(1).replace(",", "") if price else None,
        everything=bool(re.search(r"\ball\b", lowered)),
    )


def _without(text: str, match: re.Match | None) -> str:
    """``text`` with the matched span blanked out (same length), so that a limit price is
    not also read as the quantity."""
    if match is None:
        return text
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]


def number_of_days(text: str) -> int | None:
    """A horizon such as "30 days", "6 months" or "1 year" in trading days."""
    match = re.search(r"\b(\d{1,3})\s*(day|week|month|year)s?\b", text.lower())
    if not match:
        return None
    per = {"day": 1, "week": 5, "month": 21, "year": 252}[match.group(2)]
    return int(match.group(1)) * per
