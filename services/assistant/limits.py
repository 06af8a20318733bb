"""Per-user rate limit and usage counts of the assistant, shared by every app process."""

import math

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import mysql, sqlite

from extensions import db
from models import AssistantUsage, User
from services.db import lock_one, transaction
from services.errors import Throttled
from utils.clock import utcnow


def take(user_id: int) -> None:
    """Count one message against the user's window, or raise Throttled (429)."""
    cfg = current_app.config
    limit, window = cfg["ASSISTANT_RATE_LIMIT"], cfg["ASSISTANT_RATE_WINDOW"]
    now = utcnow()
    if db.session.get(AssistantUsage, user_id) is None:
        with transaction():  # its own transaction: an INSERT IGNORE's shared lock, upgraded
            _ensure_row(user_id, now)  # by the FOR UPDATE below, would deadlock two first askers
    with transaction():
        row = lock_one(AssistantUsage, AssistantUsage.user_id == user_id)
        elapsed = (now - row.window_start).total_seconds()
        if elapsed >= window:
            row.window_start, row.window_count = now, 0
            elapsed = 0
        if row.window_count >= limit:
            wait = max(1, math.ceil(window - elapsed))
            raise Throttled(f"Too many questions; ask again in {wait} seconds.", wait)
        row.window_count += 1
        row.messages += 1
        row.last_used_at = now


def _ensure_row(user_id: int, now) -> None:
    values = {"user_id": user_id, "messages": 0, "prompt_tokens": 0, "output_tokens": 0}
    values |= {"window_start": now, "window_count": 0}
    table = AssistantUsage.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        stmt = sqlite.insert(table).values(values).on_conflict_do_nothing()
    else:
        stmt = mysql.insert(table).values(values).prefix_with("IGNORE")
    db.session.execute(stmt)


def add_tokens(user_id: int, prompt: int, output: int) -> None:
    """Add an answer's tokens to the user's totals (one atomic UPDATE)."""
    with transaction():
        db.session.execute(
            update(AssistantUsage)
            .where(AssistantUsage.user_id == user_id)
            .values(
                prompt_tokens=AssistantUsage.prompt_tokens + prompt,
                output_tokens=AssistantUsage.output_tokens + output,
            )
        )


def usage_by_user() -> list[dict]:
    """Every user who used the assistant: messages, tokens and last use, busiest first."""
    rows = db.session.execute(
        select(User.user_id, User.user_name, AssistantUsage)
        .join(AssistantUsage, AssistantUsage.user_id == User.user_id)
        .order_by(AssistantUsage.messages.desc(), User.user_name)
    ).all()
    return [
        {
            "user_id": uid,
            "user_name": name,
            "messages": u.messages,
            "prompt_tokens": u.prompt_tokens,
            "output_tokens": u.output_tokens,
            "last_used_at": u.last_used_at,
        }
        for uid, name, u in rows
    ]
