"""The DTS log for the admin console: filtered pages of events, and the same filter for a
download."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from extensions import db
from models import DTS_EVENT_KINDS, DtsEvent
from services.dts.parser import COMMANDS
from services.errors import ServiceError
from utils.clock import epoch

EVENTS = DtsEvent.__table__
PAGE_SIZE = 100


def check_filters(args) -> dict:
    """Valid filters from query arguments: user, kind, command, since, until (ISO times).

    Raises ServiceError naming the bad field.
    """
    out = {}
    user = (args.get("user") or "").strip()
    if user:
        out["user"] = user[:64]
    kind = (args.get("kind") or "").strip()
    if kind:
        if kind not in DTS_EVENT_KINDS:
            raise ServiceError(f"kind is one of {', '.join(DTS_EVENT_KINDS)}.", field="kind")
        out["kind"] = kind
    command = (args.get("command") or "").strip().upper()
    if command:
        if command not in COMMANDS:
            raise ServiceError("command is a DTS command such as BUY.", field="command")
        out["command"] = command
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                out[name] = _epoch_ms(datetime.fromisoformat(raw.rstrip("Z")))
            except ValueError:
                message = f"{name} is a time such as 2022-01-03T10:00."
                raise ServiceError(message, field=name) from None
    return out


def _epoch_ms(at: datetime) -> int:
    # A time with an offset is that instant; one without is UTC, as the log's times are.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return int(epoch(at) * 1000)


def filtered(filters: dict):
    """The events matching ``filters``, in log order."""
    stmt = select(EVENTS).order_by(EVENTS.c.event_id)
    if "user" in filters:
        stmt = stmt.where(EVENTS.c.username == filters["user"])
    if "kind" in filters:
        stmt = stmt.where(EVENTS.c.kind == filters["kind"])
    if "command" in filters:
        stmt = stmt.where(EVENTS.c.command == filters["command"])
    if "since" in filters:
        stmt = stmt.where(EVENTS.c.timestamp_ms >= filters["since"])
    if "until" in filters:
        stmt = stmt.where(EVENTS.c.timestamp_ms <= filters["until"])
    return stmt


def page(filters: dict, number: int = 1) -> dict:
    """One page of matching events and the total count."""
    stmt = filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(stmt.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return {"total": total, "page": number, "events": [_plain(r._mapping) for r in rows]}


def _plain(row) -> dict:
    out = {}
    for key, value in row.items():
        out[key] = str(value) if value is not None and key in ("funds", "price") else value
    return out
