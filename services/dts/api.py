"""DTS commands from a request: one line or a batch, on the app's quote source."""

from flask import current_app

from extensions import db
from services.dts import numbers
from services.dts.context import Context, app_quotes
from services.dts.runner import read_items, run_items


def execute(lines: list[str], admin: bool = False, quotes=None, clock=None) -> list[dict]:
    """Run the lines in order (one group per DTS_GROUP_SIZE lines) and answer each with
    ``{"success": true, "result": ...}`` or ``{"success": false, "error": ...}``.

    A line without its own ``[n]`` takes a number reserved for this call
    (services.dts.numbers): unique across processes, increasing along the lines.
    """
    ctx = Context(quotes or app_quotes(), admin=admin)
    lines = [line for line in lines if line.strip()]
    db.session.rollback()  # the request's reads; the numbers and commands commit their own
    items = read_items(lines, first_number=numbers.number_from(lines), clock=clock)
    outcomes = run_items(ctx, items, current_app.config["DTS_GROUP_SIZE"])
    return [o.as_dict() for o in outcomes]
