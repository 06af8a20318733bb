"""Minute summaries of the platform's trading activity (the last hour lives in memory)."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class ActivityMinute(db.Model):
    """One minute of activity: counts, traded value by ticker, the most active."""

    __tablename__ = "activity_minute"

    minute_start: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stored_at: Mapped[datetime]
    summary: Mapped[dict] = mapped_column(JSON)
