"""Settings an admin changes at run time, stored in site_setting over a configured default."""

from flask import current_app

from extensions import db
from models import SiteSetting
from services import audit
from services.db import transaction
from services.upsert import upsert
from utils.clock import utcnow

RESET_ALLOWED = "account_reset_allowed"


def reset_allowed() -> bool:
    """Whether users may reset their accounts (ACCOUNT_RESET_ALLOWED until an admin decides)."""
    row = db.session.get(SiteSetting, RESET_ALLOWED)
    if row is None:
        return bool(current_app.config["ACCOUNT_RESET_ALLOWED"])
    return row.value == "true"


def set_reset_allowed(admin, allowed: bool, ip: str | None = None) -> None:
    """Allow or forbid account resets, audited."""
    with transaction():
        row = {
            "name": RESET_ALLOWED,
            "value": "true" if allowed else "false",
            "updated_at": utcnow(),
        }
        upsert(SiteSetting, [row], ["name"])
        action = "settings.reset_allowed" if allowed else "settings.reset_forbidden"
        audit.record(admin, action, ("setting", None), {"account_reset_allowed": allowed}, ip)
