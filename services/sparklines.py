"""Recent daily closes for sparklines, read from the stored daily bars."""

from sqlalchemy import select

from extensions import db
from models import MarketData
from services import history
from services.errors import Unavailable

SPARK_DAYS = 30


def closes(ticker: str, days: int = SPARK_DAYS) -> list:
    """The last ``days`` daily closes of ``ticker``, oldest first (empty when no history)."""
    try:
        history.ensure_fresh(ticker)
    except Unavailable:
        return []
    stmt = (
        select(MarketData.close)
        .where(MarketData.ticker == ticker)
        .order_by(MarketData.date.desc())
        .limit(days)
    )
    return list(reversed(db.session.scalars(stmt).all()))
