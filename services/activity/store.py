"""The activity consumer's memory and its minute summaries in the database."""

import threading

from sqlalchemy import select

from extensions import db
from models import ActivityMinute, User
from services.db import transaction
from utils.clock import utcnow
from utils.streams.windows import TumblingWindows, shape, summarize

MINUTE = 60


class Activity:
    """Windows over the event stream, and the minutes already written to the database."""

    def __init__(self, width: int, grace: float) -> None:
        self.windows = TumblingWindows(width, grace)
        self.lock = threading.Lock()  # the admin API reads while the worker writes
        self.stored_through = None  # the start of the last minute written

    def add(self, found: list[dict]) -> None:
        """Count order and fill events (others are ignored)."""
        with self.lock:
            for item in found:
                if item["type"].startswith("order."):
                    self.windows.add(item["at"], item["type"], item["payload"])

    def advance(self, now: float) -> list[dict]:
        """Close the windows that ``now`` passes; their JSON, oldest first."""
        with self.lock:
            return [shape(w, self.windows.width) for w in self.windows.advance(now)]

    def windows_since(self, since: float, width: int) -> list[dict]:
        """Closed windows merged to ``width`` seconds, those starting at or after ``since``
        (a merged window that began earlier would hold only its part after ``since``)."""
        with self.lock:
            closed = [w for w in self.windows.closed if w["start"] // width * width >= since]
        return merge(closed, width, self.windows.width)

    def minutes_to_store(self) -> list[dict]:
        """Summaries of the minutes whose windows have all closed and are not yet stored."""
        with self.lock:
            closed = list(self.windows.closed)
            open_starts = list(self.windows.open)
            settled = self.windows.watermark - self.windows.grace
        if not closed:
            return []
        # A window is final once the watermark passes its end by the grace (a later event
        # for it counts as late, in the watermark's window): so is every minute before
        # that point and before the first window still open, events in it or not.
        first_open = min(open_starts) if open_starts else float("inf")
        done_before = min(first_open, settled)
        ready = {}
        for w in closed:
            minute = w["start"] // MINUTE * MINUTE
            if minute + MINUTE <= done_before and (
                self.stored_through is None or minute > self.stored_through
            ):
                ready.setdefault(minute, []).append(w)
        return [summarize(ws, minute, MINUTE) for minute, ws in sorted(ready.items())]


def merge(closed: list[dict], width: int, base: int) -> list[dict]:
    """Windows of ``base`` seconds merged into windows of ``width`` (a multiple of ``base``)."""
    if width == base:
        return [shape(w, base) for w in closed]
    groups: dict[int, list[dict]] = {}
    for w in closed:
        groups.setdefault(w["start"] // width * width, []).append(w)
    return [summarize(ws, start, width) for start, ws in sorted(groups.items())]


def store_minutes(activity: Activity) -> int:
    """Write the finished minutes to the database; returns how many were written."""
    minutes = activity.minutes_to_store()
    if not minutes:
        return 0
    with transaction():
        for summary in minutes:
            row = db.session.get(ActivityMinute, summary["start"])
            if row is None:
                db.session.add(
                    ActivityMinute(
                        minute_start=summary["start"], stored_at=utcnow(), summary=summary
                    )
                )
            else:
                row.summary, row.stored_at = summary, utcnow()
    activity.stored_through = minutes[-1]["start"]
    return len(minutes)


def stored_minutes(since: float, limit: int = 1440) -> list[dict]:
    """Minute summaries from the database starting at or after ``since``."""
    stmt = (
        select(ActivityMinute.summary)
        .where(ActivityMinute.minute_start >= int(since))
        .order_by(ActivityMinute.minute_start)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def with_user_names(windows: list[dict]) -> list[dict]:
    """``windows`` with ``user_names``: the username of each id in its ``top_users``
    (the windows count ids; one query names them all). A deleted user has no entry."""
    ids = {u for w in windows for u, _count in w.get("top_users", ()) if str(u).isdigit()}
    names = {}
    if ids:
        stmt = select(User.user_id, User.user_name).where(User.user_id.in_(map(int, ids)))
        names = {str(uid): name for uid, name in db.session.execute(stmt)}
    return [
        {**w, "user_names": {u: names[u] for u, _ in w.get("top_users", ()) if u in names}}
        for w in windows
    ]
