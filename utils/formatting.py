"""How PaperDesk writes figures: money, prices, percentages, share counts, volumes and times.

Pages (Jinja filters) and scripts (static/js/format.js, which follows the same rules)
show every figure through these functions, so one number reads the same everywhere.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
DEFAULT_ZONE = "UTC"


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _sign(value: Decimal, signed: bool) -> str:
    if value < 0:
        return "-"
    return "+" if signed and value > 0 else ""


def money(value, signed: bool = False) -> str:
    """Cash: "$1,234.56"; negative "-$1.00"; with ``signed`` a gain reads "+$1.00"."""
    if value is None:
        return ""
    amount = _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{_sign(amount, signed)}${abs(amount):,.2f}"


def price(value, signed: bool = False) -> str:
    """A price: to the cent when it is a whole number of cents, else up to four decimals."""
    if value is None:
        return ""
    amount = _decimal(value).quantize(TEN_THOUSANDTH, rounding=ROUND_HALF_UP)
    places = 2 if amount == amount.quantize(CENT) else len(str(amount.normalize()).split(".")[1])
    return f"{_sign(amount, signed)}${abs(amount):,.{places}f}"


def percent(value, signed: bool = True) -> str:
    """A percentage with two decimals: "+1.23%", "-0.50%", "0.00%"."""
    if value is None:
        return ""
    amount = _decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{_sign(amount, signed)}{abs(amount):,.2f}%"


def shares(count) -> str:
    """A share count with its noun: "1 share", "2 shares", "1,500 shares"."""
    if count is None:
        return ""
    count = int(count)
    return f"{count:,} share" + ("" if abs(count) == 1 else "s")


def number(value) -> str:
    """A whole number with thousands separators (volumes): "12,345,678"."""
    if value is None:
        return ""
    return f"{int(value):,}"


def zone(name: str | None) -> ZoneInfo:
    """The named IANA time zone, or UTC when the name is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("Europe")
        return ZoneInfo(DEFAULT_ZONE)


def is_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows ("Europe/Paris")."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return False
    return _known_zone(name)


@lru_cache(maxsize=512)
def _known_zone(name: str) -> bool:
    # ZoneInfo reads one file (and caches it); listing every zone would read them all.
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder ("Europe")
        return False
    return True


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every time zone name, sorted, for a profile's choice list (read once)."""
    return tuple(sorted(available_timezones() | {"UTC"}))


def when(value: datetime | str | None, zone_name: str | None = None, seconds: bool = False) -> str:
    """A naive UTC time shown in a zone, with the zone: "2026-03-02 09:30 EST".

    ``value`` may also be the ISO 8601 text a JSON answer carries ("2026-03-02T14:30:00Z"),
    so a page can show a service's JSON-ready rows."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    local = value.replace(tzinfo=UTC).astimezone(zone(zone_name))
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{local.strftime(pattern)} {local.tzname()}"


def iso(value: datetime | None) -> str | None:
    """A naive UTC time as ISO 8601 with Z, as every JSON answer carries it."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")
