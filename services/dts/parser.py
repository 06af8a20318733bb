"""DTS command lines: ``[n] CMD,args``, ``$ CMD,args`` or ``CMD,args``."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

COMMANDS = {
    "ADD": ("user", "amount"),
    "QUOTE": ("user", "symbol"),
    "BUY": ("user", "symbol", "amount"),
    "COMMIT_BUY": ("user",),
    "CANCEL_BUY": ("user",),
    "SELL": ("user", "symbol", "amount"),
    "COMMIT_SELL": ("user",),
    "CANCEL_SELL": ("user",),
    "SET_BUY_AMOUNT": ("user", "symbol", "amount"),
    "CANCEL_SET_BUY": ("user", "symbol"),
    "SET_BUY_TRIGGER": ("user", "symbol", "amount"),
    "SET_SELL_AMOUNT": ("user", "symbol", "amount"),
    "SET_SELL_TRIGGER": ("user", "symbol", "amount"),
    "CANCEL_SET_SELL": ("user", "symbol"),
    "DISPLAY_SUMMARY": ("user",),
    "DUMPLOG": ("filename",),
}
LINE = re.compile(r"^\s*(?:\[(\d+)\]|\$)?\s*(.*?)\s*$")
SYMBOL = re.compile(r"^[A-Za-z]{1,3}$")
USER = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MONEY = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
MAX_NUMBER = 2**31 - 1  # the largest transaction number a line may carry


class ParseError(ValueError):
    """A line that is not a DTS command; ``command`` is its name when that was readable."""

    def __init__(self, message: str, command: str | None = None, user: str | None = None):
        super().__init__(message)
        self.message, self.command, self.user = message, command, user
        self.number = 1

    @property
    def name(self) -> str | None:
        return self.command

    symbol = amount = filename = None  # an unparsed line has none of these


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed command: ``number`` is its transaction number."""

    number: int
    name: str
    user: str | None = None
    symbol: str | None = None
    amount: Decimal | None = None
    filename: str | None = None


def split_line(line: str) -> tuple[int | None, str]:
    """The line's own transaction number (or None, also for one too large to store) and
    its command text (the whole line when it is not one line)."""
    match = LINE.match(line)
    if match is None:  # a line break inside
        return None, line
    digits = match.group(1)
    number = int(digits) if digits and len(digits) <= 10 else None
    return (number if number is None or number <= MAX_NUMBER else None), match.group(2)


def parse(line: str, number: int) -> Command:
    """Parse one line; ``number`` is its transaction number when the line gives none.

    Raises ParseError naming what is wrong.
    """
    own, text = split_line(line)
    try:
        _check_line(line)
        return _parse(text, own or number)
    except ParseError as exc:
        exc.number = own or number
        raise


def _check_line(line: str) -> None:
    line = line.strip()  # a line's own end (CR LF) and indentation are no part of it
    if not line.isprintable():
        raise ParseError("A command is one line of printable characters.")
    digits = LINE.match(line).group(1)
    if digits and (len(digits) > 10 or int(digits) > MAX_NUMBER):
        raise ParseError(f"A transaction number is at most {MAX_NUMBER}.")


def _parse(text: str, number: int) -> Command:
    parts = [p.strip() for p in text.split(",")]
    name = parts[0].upper()
    if name not in COMMANDS:
        raise ParseError(f"Unknown command {parts[0][:20]!r}.")
    fields = COMMANDS[name]
    args = parts[1:]
    if name == "DUMPLOG" and len(args) == 2:
        fields = ("user", "filename")
    user = args[0] if args and fields[0] == "user" and USER.match(args[0]) else None
    if len(args) != len(fields):
        raise ParseError(f"{name} takes {', '.join(fields)}.", name, user)
    values = dict(zip(fields, args, strict=True))
    return Command(number=number, name=name, **_checked(name, values))


def _checked(name: str, values: dict) -> dict:
    out = {}
    if "user" in values:
        if not USER.match(values["user"]):
            raise ParseError("A user id is 1-64 letters, digits, '_', '.' or '-'.", name)
        out["user"] = values["user"]
    if "symbol" in values:
        if not SYMBOL.match(values["symbol"]):
            raise ParseError("A stock symbol is 1 to 3 letters.", name, out.get("user"))
        out["symbol"] = values["symbol"].upper()
    if "amount" in values:
        out["amount"] = _amount(values["amount"], name, out.get("user"))
    if "filename" in values:
        if not values["filename"]:
            raise ParseError("DUMPLOG needs a file name.", name, out.get("user"))
        out["filename"] = values["filename"][:255]
    return out


def _amount(raw: str, name: str, user: str | None) -> Decimal:
    if not MONEY.match(raw):
        raise ParseError(
            f"{raw[:20]!r} is not a positive dollar amount with up to 2 decimals.", name, user
        )
    try:
        amount = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ParseError(f"{raw[:20]!r} is not an amount.", name, user) from None
    if amount <= 0:
        raise ParseError("The amount must be positive.", name, user)
    return amount
