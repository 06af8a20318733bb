"""Per-user chart preferences: which indicators the stock page shows, and their parameters."""

import json

from sqlalchemy import select

from extensions import db
from models import UserPreference
from services.analysis import params
from services.db import transaction
from services.errors import ServiceError
from services.upsert import upsert
from utils.analysis import indicators as ind
from utils.clock import utcnow

NAME = "stock_indicators"
OVERLAYS = ("sma", "ema", "bbands", "vwap")
PANELS = ("volume", "rsi", "macd", "stoch", "atr", "obv")
DEFAULT = {"overlays": [], "panels": ["volume"], "params": {}}


def indicators(user_id: int) -> dict:
    """The user's saved indicator choice, or the default (volume only)."""
    raw = db.session.scalar(
        select(UserPreference.value).where(
            UserPreference.user_id == user_id, UserPreference.name == NAME
        )
    )
    return json.loads(raw) if raw else DEFAULT


def check(body: dict) -> dict:
    """Validate ``{"overlays": [...], "panels": [...], "params": {...}}``."""
    out = {}
    for key, allowed in (("overlays", OVERLAYS), ("panels", PANELS)):
        chosen = body.get(key) or []
        if not isinstance(chosen, list) or any(c not in allowed for c in chosen):
            raise ServiceError(f"{key} must be a list of: {', '.join(allowed)}.", field=key)
        out[key] = list(dict.fromkeys(chosen))
    given = body.get("params") or {}
    if not isinstance(given, dict):
        raise ServiceError("params must be an object.", field="params")
    specs = {k: s for spec in ind.SPECS.values() for k, s in spec.items()}
    unknown = [k for k in given if k not in specs]
    if unknown:
        raise ServiceError(f"Unknown parameter '{unknown[0]}'.", field="params")
    out["params"] = {k: params.spec(v, k, specs[k]) for k, v in given.items()}
    return out


def save_indicators(user_id: int, body: dict) -> dict:
    """Check and store the user's indicator choice; returns what was stored."""
    value = check(body)
    row = {"user_id": user_id, "name": NAME, "value": json.dumps(value), "updated_at": utcnow()}
    with transaction():
        upsert(UserPreference, [row], ["user_id", "name"])
    return value
