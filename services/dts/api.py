"""DTS commands from a request: one line or a batch, on the app's quote source."""

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import DtsEvent
from services.dts.context import Context, app_quotes
from services.dts.runner import read_items, run_items


def next_number() -> int:
    """The transaction number after the highest one logged."""
    found = db.session.scalar(select(func.max(DtsEvent.transaction_num)))
    db.session.rollback()  # the read opened a transaction; the commands open their own
    return (found or 0) + 1


def execute(lines: list[str], admin: bool = False, quotes=None, clock=None) -> list[dict]:
    """Run the lines in order (one group per DTS_GROUP_SIZE lines) and answer each with
    ``{"success": true, "result": ...}`` or ``{"success": false, "error": ...}``.

    A line without its own ``[n]`` is numbered after the last logged transaction.
    """
    ctx = Context(quotes or app_quotes(), admin=admin)
    items = read_items(lines, first_number=next_number(), clock=clock)
    outcomes = run_items(ctx, items, current_app.config["DTS_GROUP_SIZE"])
    return [o.as_dict() for o in outcomes]
